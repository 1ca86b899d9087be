/** Guest kernel and initrd builder: turns Debian packages and the agent jars into the guest assets. */
module dev.jkata.osbuilder {
    exports dev.jkata.osbuilder;
}

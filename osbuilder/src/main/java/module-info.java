/** Guest kernel and initrd builder. */
module dev.jkata.osbuilder {
}

/** Linux system calls through java.lang.foreign. */
module dev.jkata.sys {
}

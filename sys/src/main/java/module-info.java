/** Linux system calls through java.lang.foreign (errno captured per call). Needs --enable-native-access=dev.jkata.sys. */
module dev.jkata.sys {
    exports dev.jkata.sys;
}

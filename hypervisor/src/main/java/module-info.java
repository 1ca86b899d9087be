/** Hypervisor interface and drivers (QEMU). */
module dev.jkata.hypervisor {
    requires dev.jkata.sys;
    requires com.fasterxml.jackson.databind;

    exports dev.jkata.hypervisor;
    exports dev.jkata.hypervisor.qemu;
}

package dev.jkata.hypervisor;

/** The CPU virtualisation a VM runs with. */
public enum Accelerator {
    /** Hardware virtualisation through /dev/kvm. */
    KVM,
    /** QEMU's software emulation (tiny code generator). */
    TCG
}

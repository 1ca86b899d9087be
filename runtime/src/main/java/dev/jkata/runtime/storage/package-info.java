/**
 * Host mounts for sharing container files with the guest: the {@link dev.jkata.runtime.storage.Mounter}
 * interface, {@link dev.jkata.runtime.storage.LinuxMounter} on mount(2)/umount2(2), mount option
 * parsing and /proc/self/mountinfo reading.
 */
package dev.jkata.runtime.storage;

package dev.jkata.agent.storage;

import dev.jkata.agent.os.Native;

/** mount(2)/umount2(2), behind an interface so the storage logic can be tested without root. */
public interface Mounter {

    void mount(String source, String target, String fstype, long flags, String data);

    void unmount(String target);

    /** The real system calls; a busy unmount falls back to a lazy (MNT_DETACH) one. */
    static Mounter system() {
        return new Mounter() {
            @Override
            public void mount(String source, String target, String fstype, long flags, String data) {
                Native.mount(source, target, fstype, flags, data);
            }

            @Override
            public void unmount(String target) {
                try {
                    Native.umount2(target, 0);
                } catch (dev.jkata.agent.AgentException e) {
                    if (Native.errnoOf(e) == Native.EBUSY) {
                        Native.umount2(target, Native.MNT_DETACH);
                    } else if (Native.errnoOf(e) != Native.EINVAL && Native.errnoOf(e) != Native.ENOENT) {
                        throw e;
                    }
                }
            }
        };
    }
}

package dev.jkata.agent.container;

import dev.jkata.agent.AgentException;
import dev.jkata.agent.os.Native;
import dev.jkata.sys.Fd;
import dev.jkata.sys.FdInputStream;
import dev.jkata.sys.FdOutputStream;
import dev.jkata.ttrpc.Code;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A process's standard streams as the host reaches them: plain pipes, or a terminal whose
 * master the runtime handed over. Reads block until data or end of stream ({@code null});
 * nothing is buffered in the agent, so a slow reader slows the writer (back-pressure) and
 * nothing is lost.
 */
public sealed interface Stdio {

    /** Up to {@code max} bytes of stdout, or null at end of stream. */
    byte[] readStdout(int max);

    /** Up to {@code max} bytes of stderr, or null at end of stream. */
    byte[] readStderr(int max);

    void writeStdin(byte[] data);

    void closeStdin();

    void resize(int rows, int cols);

    /** Releases what is left once the process is gone and nobody reads any more. */
    void release();

    /** The three pipes of a {@link java.lang.Process}. */
    final class Pipes implements Stdio {
        private final InputStream out;
        private final InputStream err;
        private final OutputStream in;
        private final Object stdinLock = new Object();
        /** Guarded by stdinLock. */
        private boolean stdinClosed;

        public Pipes(java.lang.Process p) {
            this.out = p.getInputStream();
            this.err = p.getErrorStream();
            this.in = p.getOutputStream();
        }

        @Override
        public byte[] readStdout(int max) {
            return read(out, max, "stdout");
        }

        @Override
        public byte[] readStderr(int max) {
            return read(err, max, "stderr");
        }

        private static byte[] read(InputStream s, int max, String name) {
            byte[] buf = new byte[Math.max(1, max)];
            try {
                int n = s.read(buf, 0, buf.length);
                return n < 0 ? null : Arrays.copyOf(buf, n);
            } catch (IOException e) {
                // the stream was closed under us: the process is gone
                return null;
            }
        }

        @Override
        public void writeStdin(byte[] data) {
            synchronized (stdinLock) {
                if (stdinClosed) {
                    throw new AgentException(Code.FAILED_PRECONDITION, "stdin is closed");
                }
                try {
                    in.write(data);
                    in.flush();
                } catch (IOException e) {
                    throw new AgentException(Code.FAILED_PRECONDITION, "writing stdin: " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void closeStdin() {
            synchronized (stdinLock) {
                stdinClosed = true;
                try {
                    in.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }

        @Override
        public void resize(int rows, int cols) {
            throw AgentException.precondition("the process has no terminal to resize");
        }

        @Override
        public void release() {
            closeStdin();
        }
    }

    /** The master side of the process's pty; stderr is merged into it. */
    final class Tty implements Stdio {
        private static final byte EOT = 4;
        private final Fd master;
        private final FdInputStream in;
        private final FdOutputStream out;
        private final java.lang.Process runtime;
        /** Read side held by reads/writes in flight, write side by release(). */
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        /** Guarded by lock (write side). */
        private boolean released;

        public Tty(Fd master, java.lang.Process runtime) {
            this.master = master;
            this.in = new FdInputStream(master, true);
            this.out = new FdOutputStream(master);
            this.runtime = runtime;
        }

        @Override
        public byte[] readStdout(int max) {
            if (!lock.readLock().tryLock()) {
                return null;
            }
            try {
                if (released) {
                    return null;
                }
                byte[] buf = new byte[Math.max(1, Math.min(max, 1 << 20))];
                int n = in.read(buf, 0, buf.length);
                return n < 0 ? null : Arrays.copyOf(buf, n);
            } catch (IOException e) {
                return null;
            } finally {
                lock.readLock().unlock();
            }
        }

        /** A terminal has no separate stderr: end of stream once the process is gone. */
        @Override
        public byte[] readStderr(int max) {
            try {
                runtime.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public void writeStdin(byte[] data) {
            lock.readLock().lock();
            try {
                if (released) {
                    throw AgentException.precondition("the terminal is closed");
                }
                out.write(data);
            } catch (IOException e) {
                throw new AgentException(Code.FAILED_PRECONDITION, "writing to the terminal: " + e.getMessage(), e);
            } finally {
                lock.readLock().unlock();
            }
        }

        /** Closing a terminal's input means sending end-of-transmission (^D). */
        @Override
        public void closeStdin() {
            if (runtime.isAlive()) {
                try {
                    writeStdin(new byte[] {EOT});
                } catch (AgentException e) {
                    // the process went away meanwhile
                }
            }
        }

        @Override
        public void resize(int rows, int cols) {
            lock.readLock().lock();
            try {
                if (released) {
                    throw AgentException.precondition("the terminal is closed");
                }
                Native.setWindowSize(master.value(), rows, cols);
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public void release() {
            try {
                if (lock.writeLock().tryLock(2, TimeUnit.SECONDS)) {
                    try {
                        if (!released) {
                            released = true;
                            master.close();
                        }
                    } finally {
                        lock.writeLock().unlock();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package dev.jkata.runtime.sandbox;

import com.google.protobuf.ByteString;
import dev.jkata.runtime.agent.AgentClient;
import dev.jkata.runtime.agent.AgentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Blocking streams over the agent's ReadStdout/ReadStderr/WriteStdin/CloseStdin RPCs. */
final class AgentStreams {

    private static final System.Logger LOG = System.getLogger(AgentStreams.class.getName());

    /** Largest chunk asked for or sent in one RPC. */
    static final int CHUNK = 64 * 1024;

    private AgentStreams() {
    }

    /** Which output stream of a process. */
    enum Output { STDOUT, STDERR }

    /**
     * Reads one output stream of a process until the agent reports its end (an empty read or an
     * error, as upstream's agent ends a finished stream with an error). Single reader.
     */
    static final class OutputStreamReader extends InputStream {
        private final AgentClient agent;
        private final String containerId;
        private final String execId;
        private final Output which;
        private ByteString buffer = ByteString.EMPTY; // guarded by this
        private int position; // guarded by this
        private boolean eof; // guarded by this

        OutputStreamReader(AgentClient agent, String containerId, String execId, Output which) {
            this.agent = agent;
            this.containerId = containerId;
            this.execId = execId;
            this.which = which;
        }

        @Override
        public synchronized int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.size() - position);
            buffer.copyTo(b, position, off, n);
            position += n;
            return n;
        }

        @Override
        public synchronized int available() {
            return eof ? 0 : buffer.size() - position;
        }

        private boolean fill() {
            while (!eof && position >= buffer.size()) {
                try {
                    ByteString data = which == Output.STDOUT
                            ? agent.readStdout(containerId, execId, CHUNK)
                            : agent.readStderr(containerId, execId, CHUNK);
                    if (data.isEmpty()) {
                        eof = true;
                    } else {
                        buffer = data;
                        position = 0;
                    }
                } catch (AgentException e) {
                    LOG.log(System.Logger.Level.DEBUG, "{0} of {1}/{2} ended: {3}", which, containerId, execId,
                            e.getMessage());
                    eof = true;
                }
            }
            return !eof;
        }
    }

    /** Writes to a process's stdin; {@link #close()} sends CloseStdin (EOF for the process). */
    static final class StdinWriter extends OutputStream {
        private final AgentClient agent;
        private final String containerId;
        private final String execId;
        private boolean closed; // guarded by this

        StdinWriter(AgentClient agent, String containerId, String execId) {
            this.agent = agent;
            this.containerId = containerId;
            this.execId = execId;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stdin of " + containerId + "/" + execId + " is closed");
            }
            int done = 0;
            while (done < len) {
                int n = Math.min(CHUNK, len - done);
                try {
                    int taken = agent.writeStdin(containerId, execId, ByteString.copyFrom(b, off + done, n));
                    if (taken <= 0) {
                        throw new IOException("stdin of " + containerId + "/" + execId + ": agent took no bytes");
                    }
                    done += Math.min(taken, n);
                } catch (AgentException e) {
                    throw new IOException("writing stdin of " + containerId + "/" + execId + ": " + e.getMessage(), e);
                }
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                agent.closeStdin(containerId, execId);
            } catch (AgentException e) {
                throw new IOException("closing stdin of " + containerId + "/" + execId + ": " + e.getMessage(), e);
            }
        }
    }
}

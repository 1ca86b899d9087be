package dev.jkata.hypervisor.qemu;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An asynchronous QMP event, e.g. {@code STOP}, {@code RESUME}, {@code SHUTDOWN}, {@code DEVICE_DELETED}.
 *
 * @param name event name
 * @param data the event's {@code data} object (an empty object when absent)
 * @param timestampMicros QEMU's timestamp in microseconds since the epoch
 */
record QmpEvent(String name, JsonNode data, long timestampMicros) {
}

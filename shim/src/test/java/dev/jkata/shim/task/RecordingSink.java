package dev.jkata.shim.task;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps published events in order. */
public final class RecordingSink implements EventSink {
    public final List<TaskEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void publish(TaskEvent event) {
        events.add(event);
    }

    public List<String> topics() {
        return events.stream().map(TaskEvent::topic).toList();
    }
}

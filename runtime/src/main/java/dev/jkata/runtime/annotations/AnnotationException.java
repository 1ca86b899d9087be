package dev.jkata.runtime.annotations;

import java.io.Serial;

/** The one exception of the annotations area: names the annotation and why it was refused. */
public final class AnnotationException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public AnnotationException(String message) {
        super(message);
    }
}

package org.patchbay.api.media;

/**
 * Thrown by {@link MediaHook#sdpFor} when the engine cannot anchor a new leg (no free port pair). The core refuses the
 * leg; a call left without any leg is refused with 503 (Service Unavailable).
 */
public class MediaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MediaUnavailableException(String message) {
        super(message);
    }
}

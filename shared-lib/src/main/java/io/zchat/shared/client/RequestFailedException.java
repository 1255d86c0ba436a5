package io.zchat.shared.client;

/** A request that got no valid reply after all retries (server, broker or network down). */
public class RequestFailedException extends RuntimeException {
    public RequestFailedException(String message) {
        super(message);
    }

    public RequestFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.zchat.shared.wire;

/** A frame that is not a valid message of the contract; the text is meant for the sender. */
public class WireFormatException extends Exception {
    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

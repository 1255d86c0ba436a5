package io.zchat.shared.wire;

import java.time.Instant;

/** The sender's physical time and Lamport counter that every message carries. */
public record Stamp(Instant timestamp, long clock) {
}

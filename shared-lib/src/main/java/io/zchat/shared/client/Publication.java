package io.zchat.shared.client;

import io.zchat.shared.wire.Envelope;

/** A message received on a subscribed topic (exactly that topic, never one it is a prefix of). */
public record Publication(String topic, Envelope envelope) {
}

package io.zchat.shared.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * A decoded {@code {service, data}} message. The data map is kept as a tree so that each
 * handler reads it as the record of its own service.
 */
public record Envelope(String service, ObjectNode data, Stamp stamp) {

    public Optional<Service> knownService() {
        return Service.of(service);
    }

    public long clock() {
        return stamp.clock();
    }
}

package io.zchat.system.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/** The {@code chat} component of a server's /actuator/health, as a test reads it. */
public record ServerHealth(String node, String rank, String coordinator, boolean isCoordinator, long clockOffsetMs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Null when the server does not answer. */
    public static ServerHealth of(NodeProcess server) {
        try {
            JsonNode chat = JSON.readTree(server.get("/actuator/health")).path("components").path("chat").path("details");
            return new ServerHealth(chat.path("node").asText(), chat.path("rank").asText(),
                    chat.path("coordinator").asText(), chat.path("isCoordinator").asBoolean(),
                    chat.path("clockOffsetMs").asLong());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

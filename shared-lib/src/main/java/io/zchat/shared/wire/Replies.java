package io.zchat.shared.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/** Reply bodies of the contract (the {@code data} map without timestamp and clock). */
public final class Replies {
    private Replies() {
    }

    /** login, channel, errors: status "sucesso" or "erro", description when "erro". */
    public record Status(String status, String description) {
        public static Status success() {
            return new Status(io.zchat.shared.wire.Status.SUCESSO.wireName(), null);
        }

        public static Status error(String description) {
            return new Status(io.zchat.shared.wire.Status.ERRO.wireName(), description);
        }

        @JsonIgnore
        public boolean ok() {
            return io.zchat.shared.wire.Status.SUCESSO.matches(status);
        }
    }

    /** publish, message: status "OK" or "erro", message: the error text when "erro". */
    public record Ack(String status, String message) {
        public static Ack ok() {
            return new Ack(io.zchat.shared.wire.Status.OK.wireName(), null);
        }

        public static Ack error(String message) {
            return new Ack(io.zchat.shared.wire.Status.ERRO.wireName(), message);
        }

        @JsonIgnore
        public boolean isOk() {
            return io.zchat.shared.wire.Status.OK.matches(status);
        }
    }

    public record Users(List<String> users) {
    }

    public record Channels(List<String> channels) {
    }

    /** Stored posts or direct messages, oldest first; status and description only on error. */
    public record History(List<HistoryEntry> messages, String status, String description) {
        public static History of(List<HistoryEntry> messages) {
            return new History(messages, null, null);
        }

        public static History error(String description) {
            return new History(List.of(), io.zchat.shared.wire.Status.ERRO.wireName(), description);
        }
    }

    public record Rank(Integer rank) {
    }

    public record ServerList(List<ServerInfo> list) {
    }

    public record ServerInfo(String name, Integer rank, String address) {
    }

    public record Clock(Long time) {
    }

    public record Election(String election) {
    }
}

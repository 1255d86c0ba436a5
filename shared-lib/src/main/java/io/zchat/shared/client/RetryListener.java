package io.zchat.shared.client;

/** Hears of each retry of a request that went unanswered, so that a user can be told. */
@FunctionalInterface
public interface RetryListener {
    RetryListener NONE = (service, attempt, attempts) -> { };

    /**
     * @param service  the request's service
     * @param attempt  the attempt about to be made, from 2
     * @param attempts attempts in all
     */
    void retrying(String service, int attempt, int attempts);
}

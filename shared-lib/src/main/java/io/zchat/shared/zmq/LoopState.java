package io.zchat.shared.zmq;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Lifecycle of a socket loop, with the transitions it may take. */
public enum LoopState {
    NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED;

    private static final Map<LoopState, Set<LoopState>> NEXT = Map.of(
            NEW, EnumSet.of(STARTING),
            STARTING, EnumSet.of(RUNNING, FAILED, STOPPING),
            RUNNING, EnumSet.of(STOPPING, FAILED),
            STOPPING, EnumSet.of(STOPPED, FAILED),
            STOPPED, EnumSet.noneOf(LoopState.class),
            FAILED, EnumSet.of(STOPPING, STOPPED));

    public boolean canMoveTo(LoopState next) {
        return NEXT.get(this).contains(next);
    }

    public boolean isUp() {
        return this == RUNNING;
    }
}

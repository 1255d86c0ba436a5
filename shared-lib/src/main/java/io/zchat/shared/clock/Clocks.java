package io.zchat.shared.clock;

import io.zchat.shared.wire.Stamp;

/** A process's two clocks, used together to stamp what it sends and to absorb what it receives. */
public final class Clocks {
    private final LamportClock lamport;
    private final PhysicalClock physical;

    public Clocks(LamportClock lamport, PhysicalClock physical) {
        this.lamport = lamport;
        this.physical = physical;
    }

    /** Stamp for an outgoing message: counts one send event. */
    public Stamp stamp() {
        return new Stamp(physical.now(), lamport.tick());
    }

    /** Absorbs the clock of an incoming message: counts one receive event. */
    public long received(Stamp stamp) {
        return lamport.receive(stamp.clock());
    }

    public LamportClock lamport() {
        return lamport;
    }

    public PhysicalClock physical() {
        return physical;
    }
}

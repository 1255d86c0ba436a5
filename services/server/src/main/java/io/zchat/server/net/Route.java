package io.zchat.server.net;

import java.util.ArrayList;
import java.util.List;

/** A received multipart message split into its routing envelope and its body frames. */
public record Route(List<byte[]> envelope, List<byte[]> body) {

    /** The envelope runs up to and including the first empty frame (or, without one, all but the last frame). */
    public static Route split(List<byte[]> frames) {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).length == 0) {
                delimiter = i;
                break;
            }
        }
        int bodyStart = delimiter >= 0 ? delimiter + 1 : frames.size() - 1;
        return new Route(new ArrayList<>(frames.subList(0, bodyStart)), frames.subList(bodyStart, frames.size()));
    }

    /** The single body frame, or null when there is not exactly one. */
    public byte[] singleBody() {
        return body.size() == 1 ? body.get(0) : null;
    }
}

package io.zchat.shared.names;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Rules for user and channel names, which share one topic space: non-empty, at most
 * {@value #MAX_LENGTH} characters, no whitespace or control/format characters, and none of the
 * internal topic names.
 */
public final class NameRules {
    public static final int MAX_LENGTH = 64;
    /** Internal topics of the proxy; never a user or a channel. */
    public static final Set<String> RESERVED = Set.of("servers", "replica");

    private NameRules() {
    }

    /** The reason the name is refused, or empty when it is valid. */
    public static Optional<String> problem(String kind, String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of(kind + " name is missing");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_LENGTH) {
            return Optional.of(kind + " name is longer than " + MAX_LENGTH + " characters");
        }
        boolean bad = name.codePoints().anyMatch(NameRules::forbidden);
        if (bad) {
            return Optional.of(kind + " name '" + printable(name)
                    + "' contains whitespace or control characters");
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            return Optional.of(kind + " name '" + name + "' is reserved");
        }
        return Optional.empty();
    }

    private static boolean forbidden(int cp) {
        int type = Character.getType(cp);
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE || cp == 0xFFFD;
    }

    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (forbidden(cp)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}

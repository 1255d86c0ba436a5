package io.zchat.shared.zmq.curve;

import com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305;
import org.zeromq.ZMQ;

/**
 * CURVE keys as they appear in configuration: 40 characters of Z85 (ZeroMQ RFC 32) for 32 bytes.
 * Checked here rather than by ZeroMQ, which would take a bad key for a good one or throw an
 * index error from deep inside a socket option.
 */
public final class CurveKeys {
    private static final String Z85_ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    private CurveKeys() {
    }

    /** The 32 bytes of a Z85 key; {@code property} names the setting in the error message. */
    public static byte[] decode(String key, String property) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(property + " is not set");
        }
        if (key.length() != ZMQ.Curve.KEY_SIZE_Z85) {
            throw new IllegalArgumentException(property + " is not a CURVE key: a Z85 key has "
                    + ZMQ.Curve.KEY_SIZE_Z85 + " characters, this one " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            if (Z85_ALPHABET.indexOf(key.charAt(i)) < 0) {
                throw new IllegalArgumentException(property + " is not a CURVE key: character " + (i + 1)
                        + " is outside the Z85 alphabet");
            }
        }
        byte[] bytes = ZMQ.Curve.z85Decode(key);
        // a group of 5 characters can exceed 32 bits; such a key does not encode back to itself
        if (!ZMQ.Curve.z85Encode(bytes).equals(key)) {
            throw new IllegalArgumentException(property + " is not a CURVE key: not a canonical Z85 encoding");
        }
        return bytes;
    }

    /** The public key that belongs to a secret key (Curve25519 base-point multiplication). */
    public static String publicKeyOf(byte[] secretKey) {
        byte[] publicKey = new byte[ZMQ.Curve.KEY_SIZE];
        curve25519xsalsa20poly1305.crypto_box_getpublickey(publicKey, secretKey);
        return ZMQ.Curve.z85Encode(publicKey);
    }

    public static String encode(byte[] key) {
        return ZMQ.Curve.z85Encode(key);
    }

    /**
     * A new random key pair whose Z85 forms hold no {@code $}: compose files, {@code .env} files
     * and shells would take it for the start of a variable.
     */
    public static ZMQ.Curve.KeyPair generate() {
        // about 40% of pairs qualify, so 1,000 draws all failing means a broken random source
        for (int draw = 0; draw < 1_000; draw++) {
            ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
            if (pair.publicKey.indexOf('$') < 0 && pair.secretKey.indexOf('$') < 0) {
                return pair;
            }
        }
        throw new IllegalStateException("no key pair without '$' in 1,000 draws");
    }
}

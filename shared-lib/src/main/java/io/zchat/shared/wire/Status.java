package io.zchat.shared.wire;

/** Status words of the contract; the Portuguese spelling is part of the interface. */
public enum Status {
    SUCESSO("sucesso"),
    OK("OK"),
    ERRO("erro");

    private final String wireName;

    Status(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean matches(String value) {
        return wireName.equals(value);
    }
}

package io.zchat.client.terminal;

import java.util.List;

/**
 * Turns a typed line into a {@link Command}. A line starting with {@code /} is a command; any
 * other line is a post, and {@code //} at the start posts text that itself starts with {@code /}.
 */
public final class CommandParser {
    public static final int DEFAULT_HISTORY = 20;
    public static final int MAX_HISTORY = 1000;

    /** Each command with its arguments, as {@code /help} lists them and completion offers them. */
    public static final List<Usage> USAGES = List.of(
            new Usage("/login", "NAME", "log in (or switch) as NAME"),
            new Usage("/users", "", "list the users"),
            new Usage("/channels", "", "list the channels"),
            new Usage("/create", "CHANNEL", "create a channel"),
            new Usage("/join", "CHANNEL", "follow a channel, show its recent posts and post to it"),
            new Usage("/leave", "[CHANNEL]", "stop following a channel (the current one by default)"),
            new Usage("/msg", "USER TEXT", "send a direct message"),
            new Usage("/history", "CHANNEL|USER [N]", "the last N posts of a channel, or messages with a user"),
            new Usage("/help", "", "this list"),
            new Usage("/quit", "", "leave the chat"));

    public record Usage(String command, String arguments, String meaning) {
        /** How it is typed: {@code /msg USER TEXT}. */
        public String call() {
            return (command + " " + arguments).strip();
        }
    }

    public Command parse(String line) {
        String trimmed = line == null ? "" : line.strip();
        if (trimmed.isEmpty()) {
            return new Command.Nothing();
        }
        if (!trimmed.startsWith("/")) {
            return new Command.Post(trimmed);
        }
        if (trimmed.startsWith("//")) {
            return new Command.Post(trimmed.substring(1));
        }
        String[] parts = trimmed.split("\\s+", 3);
        String name = parts[0].toLowerCase(java.util.Locale.ROOT);
        String first = parts.length > 1 ? parts[1] : null;
        String rest = parts.length > 2 ? parts[2] : null;
        return switch (name) {
            case "/login" -> oneName(first, rest, name, Command.Login::new);
            case "/users" -> noArguments(first, name, new Command.Users());
            case "/channels" -> noArguments(first, name, new Command.Channels());
            case "/create" -> oneName(first, rest, name, Command.Create::new);
            case "/join" -> oneName(first, rest, name, Command.Join::new);
            case "/leave" -> rest != null ? usage(name) : new Command.Leave(strip(first));
            case "/msg" -> first == null || rest == null ? usage(name)
                    : new Command.Direct(strip(first), rest.strip());
            case "/history" -> history(first, rest);
            case "/help" -> new Command.Help();
            case "/quit", "/exit" -> new Command.Quit();
            default -> new Command.Invalid("unknown command " + parts[0] + "; /help lists the commands");
        };
    }

    private static Command history(String target, String count) {
        if (target == null) {
            return usage("/history");
        }
        if (count == null) {
            return new Command.History(strip(target), DEFAULT_HISTORY);
        }
        try {
            int n = Integer.parseInt(count.strip());
            if (n < 1 || n > MAX_HISTORY) {
                return new Command.Invalid("N must be between 1 and " + MAX_HISTORY + ", not " + n);
            }
            return new Command.History(strip(target), n);
        } catch (NumberFormatException e) {
            return new Command.Invalid("N must be a number, not '" + count.strip() + "': " + call("/history"));
        }
    }

    private static Command oneName(String name, String rest, String command,
                                   java.util.function.Function<String, Command> make) {
        return name == null || rest != null ? usage(command) : make.apply(strip(name));
    }

    private static Command noArguments(String argument, String command, Command made) {
        return argument == null ? made : usage(command);
    }

    private static Command usage(String command) {
        return new Command.Invalid("usage: " + call(command));
    }

    /** How {@code command} is typed, from {@link #USAGES}. */
    private static String call(String command) {
        return USAGES.stream().filter(u -> u.command().equals(command)).findFirst().orElseThrow().call();
    }

    /** A leading {@code #} on a channel name is how people write it; the name is without it. */
    private static String strip(String name) {
        return name == null ? null : name.startsWith("#") && name.length() > 1 ? name.substring(1) : name;
    }
}

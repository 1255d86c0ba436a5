package io.zchat.client.terminal;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ChatSubscriber;
import io.zchat.shared.client.Publication;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.wire.HistoryEntry;
import io.zchat.shared.wire.Replies;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * One user's chat: runs each command against the servers and says what came of it on the
 * {@link Screen}. {@link #execute} and {@link #probe} run on one thread, the owner of the
 * {@link ChatClient}; {@link #received} runs on the subscriber's thread.
 */
public final class ChatSession {
    /** Enough of one's direct messages to find the last ones exchanged with one user. */
    private static final int CONVERSATION_SCAN = 1000;

    private final ChatClient client;
    private final ChatSubscriber subscriber;
    private final Clocks clocks;
    private final Screen screen;
    private final ChatView view;
    private final Directory directory;
    private final Set<String> joined = new ConcurrentSkipListSet<>();
    private volatile String user;
    private volatile String channel;
    private volatile boolean online = true;
    private boolean probing;
    /** Whether the servers answered a request of the command being run. */
    private boolean answered;

    public ChatSession(ChatClient client, ChatSubscriber subscriber, Clocks clocks, Screen screen, ChatView view,
                       Directory directory) {
        this.client = client;
        this.subscriber = subscriber;
        this.clocks = clocks;
        this.screen = screen;
        this.view = view;
        this.directory = directory;
        client.onRetry((service, attempt, attempts) -> {
            if (!probing) {
                screen.show(view.notice("no answer from the servers yet; trying again (" + attempt + " of "
                        + attempts + ")"));
            }
        });
    }

    /** Runs one command; a request the servers never answered leaves the session offline, not stuck. */
    public void execute(Command command) {
        answered = false;
        try {
            run(command);
            if (answered) {
                connected();
            }
        } catch (RequestFailedException e) {
            online = false;
            screen.show(view.error("not done, the servers did not answer: " + e.getMessage()));
            screen.show(view.notice("offline; checking the connection every few seconds"));
            refreshPrompt();
        }
    }

    /** While offline, one quiet request to see whether the servers answer again. */
    public void probe() {
        if (online) {
            return;
        }
        probing = true;
        try {
            directory.channels(ask(() -> client.channels()));
            connected();
        } catch (RequestFailedException e) {
            // still offline: the prompt says so already
        } finally {
            probing = false;
        }
    }

    public boolean online() {
        return online;
    }

    /** A publication on a subscribed topic. */
    public void received(Publication publication) {
        ChatMessage message = ChatMessage.of(publication);
        if (message != null) {
            directory.addUser(message.from());
            screen.show(view.message(message));
        }
    }

    public void refreshPrompt() {
        screen.prompt(view.prompt(user, channel, online));
    }

    private void connected() {
        if (!online) {
            online = true;
            screen.show(view.notice("connected again"));
            refreshPrompt();
        }
    }

    private void run(Command command) {
        if (command instanceof Command.Login login) {
            login(login.user());
        } else if (command instanceof Command.Users) {
            listUsers();
        } else if (command instanceof Command.Channels) {
            listChannels();
        } else if (command instanceof Command.Create create) {
            create(create.channel());
        } else if (command instanceof Command.Join join) {
            join(join.channel());
        } else if (command instanceof Command.Leave leave) {
            leave(leave.channel() == null ? channel : leave.channel());
        } else if (command instanceof Command.Direct direct) {
            direct(direct.user(), direct.text());
        } else if (command instanceof Command.History history) {
            history(history.target(), history.count());
        } else if (command instanceof Command.Post post) {
            post(post.text());
        } else if (command instanceof Command.Help) {
            screen.show(view.help());
        } else if (command instanceof Command.Invalid invalid) {
            screen.show(view.error(invalid.reason()));
        }
    }

    private void login(String name) {
        Replies.Status status = ask(() -> client.login(name));
        if (!status.ok()) {
            screen.show(view.error("login as " + name + " refused: " + status.description()));
            return;
        }
        String previous = user;
        if (previous != null && !previous.equals(name)) {
            subscriber.unsubscribe(previous);
        }
        user = name;
        subscriber.subscribe(name);
        directory.users(ask(() -> client.users()));
        directory.channels(ask(() -> client.channels()));
        screen.show(view.notice("logged in as " + name + (joined.isEmpty()
                ? "; /join a channel to follow it (/channels lists them)" : "")));
        refreshPrompt();
    }

    private void listUsers() {
        List<String> users = ask(() -> client.users());
        directory.users(users);
        screen.show(view.names("users", users, ""));
    }

    private void listChannels() {
        List<String> channels = ask(() -> client.channels());
        directory.channels(channels);
        screen.show(view.names("channels", channels, "#"));
    }

    private void create(String name) {
        Replies.Status status = ask(() -> client.createChannel(name));
        if (status.ok()) {
            directory.addChannel(name);
            screen.show(view.notice("created #" + name + "; /join " + name + " to follow it"));
        } else {
            screen.show(view.error("could not create #" + name + ": " + status.description()));
        }
    }

    private void join(String name) {
        if (!isChannel(name)) {
            screen.show(view.error("there is no channel #" + name + " (/create " + name + " makes it)"));
            return;
        }
        subscriber.subscribe(name);
        joined.add(name);
        channel = name;
        refreshPrompt();
        Replies.History history = ask(() -> client.channelHistory(name, CommandParser.DEFAULT_HISTORY, null));
        showHistory("#" + name, history, history.messages());
    }

    private void leave(String name) {
        if (name == null || !joined.remove(name)) {
            screen.show(view.error(name == null ? "you are in no channel" : "you are not in #" + name));
            return;
        }
        subscriber.unsubscribe(name);
        if (name.equals(channel)) {
            channel = joined.isEmpty() ? null : joined.iterator().next();
        }
        screen.show(view.notice("left #" + name + (channel == null ? "" : "; now posting to #" + channel)));
        refreshPrompt();
    }

    private void post(String text) {
        if (loggedOut()) {
            return;
        }
        if (channel == null) {
            screen.show(view.error("join a channel first: /join CHANNEL (/channels lists them)"));
            return;
        }
        Replies.Ack ack = ask(() -> client.publish(user, channel, text));
        if (!ack.isOk()) {
            screen.show(view.error("not posted to #" + channel + ": " + ack.message()));
        }
    }

    private void direct(String to, String text) {
        if (loggedOut()) {
            return;
        }
        Replies.Ack ack = ask(() -> client.message(user, to, text));
        if (!ack.isOk()) {
            screen.show(view.error("not sent to " + to + ": " + ack.message()));
        } else if (!to.equals(user)) {
            // the recipient's topic is not ours, so no copy comes back: show what we sent ourselves
            screen.show(view.message(ChatMessage.sent(user, to, text, clocks.physical().now())));
        }
    }

    private void history(String target, int count) {
        if (isChannel(target)) {
            Replies.History history = ask(() -> client.channelHistory(target, count, null));
            showHistory("#" + target, history, history.messages());
        } else if (loggedOut()) {
            return;
        } else if (target.equals(user)) {
            Replies.History history = ask(() -> client.userHistory(user, count, null));
            showHistory("direct messages of " + user, history, history.messages());
        } else if (isUser(target)) {
            Replies.History history = ask(() -> client.userHistory(user, CONVERSATION_SCAN, null));
            List<HistoryEntry> with = history.messages() == null ? List.of() : history.messages().stream()
                    .filter(e -> target.equals(e.src()) || target.equals(e.dst())).toList();
            showHistory("messages with " + target, history, with.subList(Math.max(0, with.size() - count),
                    with.size()));
        } else {
            screen.show(view.error("there is no channel or user named '" + target + "'"));
        }
    }

    private void showHistory(String what, Replies.History reply, List<HistoryEntry> entries) {
        if (reply.status() != null && !"OK".equalsIgnoreCase(reply.status())
                && !"sucesso".equalsIgnoreCase(reply.status())) {
            screen.show(view.error("no history of " + what + ": " + reply.description()));
            return;
        }
        if (entries == null || entries.isEmpty()) {
            screen.show(view.notice(what + ": nothing yet"));
            return;
        }
        screen.show(view.notice("last " + entries.size() + " of " + what + ":"));
        entries.forEach(e -> screen.show(view.message(ChatMessage.of(e))));
    }

    private boolean isChannel(String name) {
        if (!directory.isChannel(name)) {
            directory.channels(ask(() -> client.channels()));
        }
        return directory.isChannel(name);
    }

    private boolean isUser(String name) {
        if (!directory.isUser(name)) {
            directory.users(ask(() -> client.users()));
        }
        return directory.isUser(name);
    }

    /** A request to the servers; its answer shows that they are reachable. */
    private <T> T ask(java.util.function.Supplier<T> request) {
        T reply = request.get();
        answered = true;
        return reply;
    }

    private boolean loggedOut() {
        if (user == null) {
            screen.show(view.error("log in first: /login NAME"));
        }
        return user == null;
    }
}

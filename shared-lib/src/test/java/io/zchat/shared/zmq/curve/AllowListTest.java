package io.zchat.shared.zmq.curve;

import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AllowListTest {
    private final ZMQ.Curve.KeyPair cluster = CurveKeys.generate();
    private final ZMQ.Curve.KeyPair ana = CurveKeys.generate();
    private final ZMQ.Curve.KeyPair stranger = CurveKeys.generate();
    private final AllowList list = new AllowList(cluster.publicKey, List.of(ana.publicKey));

    @Test
    void clientLinksAdmitTheClusterKeyAndListedClients() {
        assertThat(check(Access.CLIENTS, cluster).admitted()).isTrue();
        assertThat(check(Access.CLIENTS, ana).admitted()).isTrue();
        AllowList.Verdict refused = check(Access.CLIENTS, stranger);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.reason()).contains("allowed-clients");
    }

    @Test
    void clusterLinksAdmitOnlyTheClusterKey() {
        assertThat(check(Access.CLUSTER, cluster).admitted()).isTrue();
        AllowList.Verdict listedClient = check(Access.CLUSTER, ana);
        assertThat(listedClient.admitted()).isFalse();
        assertThat(listedClient.reason()).contains("cluster key");
        assertThat(check(Access.CLUSTER, stranger).admitted()).isFalse();
    }

    @Test
    void anythingButACurveKeyOnOneOfOurDomainsIsRefused() {
        byte[] key = ZMQ.Curve.z85Decode(cluster.publicKey);
        assertThat(list.check(Access.CLIENTS.domain(), "NULL", key).reason()).contains("mechanism NULL");
        assertThat(list.check(Access.CLIENTS.domain(), "PLAIN", key).admitted()).isFalse();
        assertThat(list.check("", "CURVE", key).reason()).contains("unknown ZAP domain");
        assertThat(list.check("global", "CURVE", key).admitted()).isFalse();
        assertThat(list.check(Access.CLIENTS.domain(), "CURVE", null).admitted()).isFalse();
        assertThat(list.check(Access.CLIENTS.domain(), "CURVE", new byte[16]).reason()).contains("32-byte");
    }

    private AllowList.Verdict check(Access access, ZMQ.Curve.KeyPair client) {
        return list.check(access.domain(), "CURVE", ZMQ.Curve.z85Decode(client.publicKey));
    }
}

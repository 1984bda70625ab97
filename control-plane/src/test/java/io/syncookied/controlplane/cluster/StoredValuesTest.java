package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredValuesTest {

	private static final ClusterKeys KEYS = new ClusterKeys("/syncookied");

	@Test
	void everyValueReadsBackAsWritten() throws Exception {
		NodeRecord node = new NodeRecord(new NodeId("fw-1"), URI.create("http://10.0.0.1:8080"), "02:00:00:00:00:01");
		assertThat(NodeRecord.decode(KEYS.node(node.node()), node.encode())).isEqualTo(node);
		NodeRecord workerLost = node.withWorkerUp(false);
		assertThat(NodeRecord.decode(KEYS.node(node.node()), workerLost.encode())).isEqualTo(workerLost);

		InetAddress v6 = InetAddress.getByName("2001:db8::1");
		RouterChange change = new RouterChange(v6, RouterChange.Action.DIVERT, new NodeId("fw-2"), "02:00:00:00:00:02",
				"m-17", 42, RouterChange.Phase.STARTED);
		assertThat(RouterChange.decode(KEYS.routerChange(v6), change.encode())).isEqualTo(change);
		assertThat(KEYS.routerChange(v6)).isEqualTo("/syncookied/router/2001:db8::1");

		InetAddress v4 = InetAddress.getByName("192.0.2.7");
		Assignment assignment = new Assignment(v4, new NodeId("fw-3"), 9);
		assertThat(Assignment.decode(KEYS.assignment(v4), assignment.encode())).isEqualTo(assignment);

		LeaderRecord leader = new LeaderRecord(new NodeId("fw-1"), 0x1234abcdL);
		assertThat(LeaderRecord.decode(KEYS.leader(), leader.encode())).isEqualTo(leader);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			not JSON            | {"v":1,"node":                                                             | not JSON
			not an object       | [1,2]                                                                       | not a JSON object
			no version          | {"node":"fw-1","api":"http://a:1","mac":"02:00:00:00:00:01"}                | field 'v' is missing
			newer version       | {"v":2,"node":"fw-1","api":"http://a:1","mac":"02:00:00:00:00:01"}          | unknown format version 2
			unknown field       | {"v":1,"node":"fw-1","api":"http://a:1","mac":"02:00:00:00:00:01","worker":true,"x":1} | field 'x' unknown field
			duplicate field     | {"v":1,"node":"fw-1","node":"fw-2","api":"http://a:1","mac":"02:00:00:00:00:01"} | not JSON
			missing field       | {"v":1,"node":"fw-1","mac":"02:00:00:00:00:01"}                             | field 'api' is missing
			wrong type          | {"v":1,"node":7,"api":"http://a:1","mac":"02:00:00:00:00:01"}               | field 'node' must be a string
			bad node id         | {"v":1,"node":"FW_1","api":"http://a:1","mac":"02:00:00:00:00:01"}          | field 'node' node id must be
			bad URL             | {"v":1,"node":"fw-1","api":"ftp://a:1","mac":"02:00:00:00:00:01"}           | field 'api' 'ftp://a:1' is not an http(s) URL
			bad MAC             | {"v":1,"node":"fw-1","api":"http://a:1","mac":"02:00:00:00:00","worker":true} | field 'mac'
			other node's key    | {"v":1,"node":"fw-2","api":"http://a:1","mac":"02:00:00:00:00:01","worker":true} | field 'node' 'fw-2' is not the node of its key
			no worker state     | {"v":1,"node":"fw-1","api":"http://a:1","mac":"02:00:00:00:00:01"}          | field 'worker' is missing
			worker not a flag   | {"v":1,"node":"fw-1","api":"http://a:1","mac":"02:00:00:00:00:01","worker":"up"} | field 'worker' must be true or false
			""")
	void aBadNodeValueNamesItsKeyAndField(String name, String json, String problem) {
		String key = "/syncookied/nodes/fw-1";
		assertThatThrownBy(() -> NodeRecord.decode(key, json.getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(CorruptValueException.class)
			.hasMessageStartingWith(key + ": ")
			.hasMessageContaining(problem);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			unknown action      | {"v":1,"ip":"192.0.2.1","action":"DROP","node":"fw-1","mac":"02:00:00:00:00:01","mitigation":"m","term":3,"phase":"DONE"}    | field 'action' 'DROP' is none of
			zero term           | {"v":1,"ip":"192.0.2.1","action":"DIVERT","node":"fw-1","mac":"02:00:00:00:00:01","mitigation":"m","term":0,"phase":"DONE"}  | field 'term' must be positive
			fractional term     | {"v":1,"ip":"192.0.2.1","action":"DIVERT","node":"fw-1","mac":"02:00:00:00:00:01","mitigation":"m","term":1.5,"phase":"DONE"}| field 'term' must be an integer
			host name           | {"v":1,"ip":"example.com","action":"DIVERT","node":"fw-1","mac":"02:00:00:00:00:01","mitigation":"m","term":3,"phase":"DONE"}| is not an IPv4 or IPv6 address
			other IP            | {"v":1,"ip":"192.0.2.2","action":"DIVERT","node":"fw-1","mac":"02:00:00:00:00:01","mitigation":"m","term":3,"phase":"DONE"}  | is not the IP of its key
			blank mitigation    | {"v":1,"ip":"192.0.2.1","action":"DIVERT","node":"fw-1","mac":"02:00:00:00:00:01","mitigation":" ","term":3,"phase":"DONE"}  | field 'mitigation' is blank
			""")
	void aBadRouterChangeNamesItsKeyAndField(String name, String json, String problem) {
		String key = "/syncookied/router/192.0.2.1";
		assertThatThrownBy(() -> RouterChange.decode(key, json.getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(CorruptValueException.class)
			.hasMessageStartingWith(key + ": ")
			.hasMessageContaining(problem);
	}

	@Test
	void ipsAreReadOnlyInTheirOneCanonicalForm() {
		assertThat(IpKeys.parse("2001:db8::1")).isNotNull();
		assertThatThrownBy(() -> IpKeys.parse("2001:0db8:0:0:0:0:0:1")).hasMessageContaining("RFC 5952");
		assertThatThrownBy(() -> IpKeys.parse("::ffff:192.0.2.1")).hasMessageContaining("RFC 5952");
		assertThatThrownBy(() -> IpKeys.parse("localhost")).hasMessageContaining("not an IPv4 or IPv6 address");
	}

}

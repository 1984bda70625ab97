package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import io.etcd.jetcd.ByteSequence;

/**
 * Where the cluster keeps what in etcd, under one prefix:
 * <pre>
 * {prefix}/leader          the leader's id, with its session lease; its create revision is the leadership term
 * {prefix}/nodes/{id}      a live node ({@link NodeRecord}), with that node's session lease
 * {prefix}/assign/{ip}     which node serves a protected IP ({@link Assignment})
 * {prefix}/router/{ip}     the last router change of an IP ({@link RouterChange})
 * {prefix}/hosts/{ip}      protection state and intent of an IP ({@link ProtectionRecord}); its history is the journal
 * {prefix}/held/{id}/{ip}  node {id}'s worker holds the IP ({@link HeldHost}), with that node's session lease
 * {prefix}/verdicts/{id}/{ip}  node {id}'s detection verdict on the IP ({@link Verdict}), with its session lease
 * </pre>
 * IPs appear in RFC 5952 text, so one IP has exactly one key.
 */
public record ClusterKeys(String prefix) {

	public String leader() {
		return this.prefix + "/leader";
	}

	public String nodes() {
		return this.prefix + "/nodes/";
	}

	public String node(NodeId node) {
		return nodes() + node.value();
	}

	public String assignments() {
		return this.prefix + "/assign/";
	}

	public String assignment(InetAddress ip) {
		return assignments() + IpKeys.text(ip);
	}

	public String routerChanges() {
		return this.prefix + "/router/";
	}

	public String routerChange(InetAddress ip) {
		return routerChanges() + IpKeys.text(ip);
	}

	public String hosts() {
		return this.prefix + "/hosts/";
	}

	public String host(InetAddress ip) {
		return hosts() + IpKeys.text(ip);
	}

	public String held() {
		return this.prefix + "/held/";
	}

	public String held(NodeId node, InetAddress ip) {
		return held() + node.value() + "/" + IpKeys.text(ip);
	}

	public String verdicts() {
		return this.prefix + "/verdicts/";
	}

	public String verdict(NodeId node, InetAddress ip) {
		return verdicts() + node.value() + "/" + IpKeys.text(ip);
	}

	static ByteSequence bytes(String key) {
		return ByteSequence.from(key, StandardCharsets.UTF_8);
	}

	static String text(ByteSequence key) {
		return key.toString(StandardCharsets.UTF_8);
	}

}

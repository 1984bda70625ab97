package io.syncookied.controlplane.cluster;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Cluster nodes for tests against a real {@link EtcdTestCluster}, each under one test's own key prefix. */
final class TestNodes implements AutoCloseable {

	private static final AtomicInteger PREFIXES = new AtomicInteger();

	final String prefix = "/test" + PREFIXES.incrementAndGet();

	final ClusterKeys keys = new ClusterKeys(this.prefix);

	private final List<ClusterNode> started = new ArrayList<>();

	private final List<Client> clients = new ArrayList<>();

	ClusterProperties properties(String node, List<URI> endpoints) {
		return new ClusterProperties(endpoints, node, URI.create("http://127.0.0.1:8080"), this.prefix,
				Duration.ofSeconds(2), Duration.ofSeconds(1));
	}

	ClusterNode start(int n, List<URI> endpoints) {
		String id = "fw-" + n;
		NodeRecord self = new NodeRecord(new NodeId(id), URI.create("http://127.0.0.1:" + (18080 + n)),
				String.format("02:00:00:00:00:%02x", n));
		ClusterNode node = ClusterNode.start(properties(id, endpoints), self);
		this.started.add(node);
		return node;
	}

	/** A plain client, as an operator's etcdctl would be. */
	Client admin(List<URI> endpoints) {
		Client client = Client.builder().endpoints(endpoints).build();
		this.clients.add(client);
		return client;
	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/**
	 * Runs {@code work} on the node's cluster thread, where all of its state lives. A thread that does not get to it
	 * within 5 s is a bug (nothing may block it): the error carries what that thread was doing.
	 */
	static <T> T on(ClusterNode node, Callable<T> work) {
		try {
			return CompletableFuture.supplyAsync(() -> {
				try {
					return work.call();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, node.executor()).get(5, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("the cluster thread of " + node.id() + " did not answer within 5 s: "
					+ stackOf("cluster-" + node.id()), ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String stackOf(String threadName) {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.filter((e) -> e.getKey().getName().equals(threadName))
			.map((e) -> Arrays.stream(e.getValue()).map(StackTraceElement::toString).collect(Collectors.joining("\n\tat ")))
			.findFirst()
			.orElse("(no thread named " + threadName + ")");
	}

	/**
	 * Awaitility without its catching of other threads' uncaught exceptions: in the test JVM BlockHound makes Vert.x's
	 * blocking pool (under the etcd client) throw as a closed client's pool shuts down, which is no failure of the
	 * code under test.
	 */
	static ConditionFactory await() {
		return Awaitility.await().dontCatchUncaughtExceptions();
	}

	@Override
	public void close() {
		for (ClusterNode node : this.started) {
			if (!node.executor().isShutdown()) {
				node.close();
			}
		}
		for (Client client : this.clients) {
			EtcdConnection.closeWithin(client, Duration.ofSeconds(5));
		}
	}

}

package io.syncookied.controlplane.api;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;

/** SSE ids, and what a client that reconnects with Last-Event-ID gets. */
class EventStreamTest extends ApiTestBase {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private Flux<ServerSentEvent<String>> stream(String lastEventId) {
		var request = reader().get().uri("/api/v1/events").accept(MediaType.TEXT_EVENT_STREAM);
		if (lastEventId != null) {
			request = request.header("Last-Event-ID", lastEventId);
		}
		return request.exchange().expectStatus().isOk().returnResult(SSE).getResponseBody()
			.filter(e -> e.event() != null);
	}

	@Test
	void eventsCarryIdsAndAReconnectingClientGetsWhatItMissed() {
		Flux<ServerSentEvent<String>> first = stream(null);
		var states = first.filter(e -> "state".equals(e.event())).take(2).collectList();
		admin().post().uri("/api/v1/hosts/10.0.2.10/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"sse ids\",\"ttl\":\"PT1M\"}").exchange().expectStatus().isAccepted();
		List<ServerSentEvent<String>> seen = states.block(Duration.ofSeconds(15));
		try {
			assertThat(seen).hasSize(2);
			long id1 = Long.parseLong(seen.get(0).id());
			long id2 = Long.parseLong(seen.get(1).id());
			assertThat(id2).isGreaterThan(id1);

			// the client saw id1 and lost its connection: the events after it come back, id2 among them, at once
			List<ServerSentEvent<String>> missed = stream(Long.toString(id1)).take(Duration.ofSeconds(2))
				.collectList().block(Duration.ofSeconds(10));
			assertThat(missed).isNotEmpty();
			assertThat(missed).allSatisfy(e -> assertThat(Long.parseLong(e.id())).isGreaterThan(id1));
			assertThat(missed).extracting(ServerSentEvent::id).contains(Long.toString(id2));
			assertThat(missed).noneMatch(e -> "gap".equals(e.event()));

			// an id from before this run (or long gone): a gap event, then what the history holds
			List<ServerSentEvent<String>> fromBefore = stream("1").take(Duration.ofSeconds(2)).collectList()
				.block(Duration.ofSeconds(10));
			assertThat(fromBefore.get(0).event()).isEqualTo("gap");
			assertThat(fromBefore.get(0).data()).contains("\"lastEventId\":\"1\"");
			assertThat(fromBefore).extracting(ServerSentEvent::id).contains(Long.toString(id1), Long.toString(id2));
		}
		finally {
			admin().delete().uri("/api/v1/hosts/10.0.2.10/protection").exchange().expectStatus().isAccepted();
		}
	}

	@Test
	void aLastEventIdThatIsNotOneIs400() {
		reader().get().uri("/api/v1/events").accept(MediaType.TEXT_EVENT_STREAM).header("Last-Event-ID", "abc")
			.exchange().expectStatus().isBadRequest()
			.expectBody(String.class).value(body -> assertThat(body).contains("\"field\":\"Last-Event-ID\""));
	}

}

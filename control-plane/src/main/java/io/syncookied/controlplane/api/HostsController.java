package io.syncookied.controlplane.api;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.syncookied.common.IpText;
import io.syncookied.controlplane.detection.DetectionService;
import io.syncookied.controlplane.protection.HostNotConfiguredException;
import io.syncookied.controlplane.protection.HostView;
import io.syncookied.controlplane.protection.ProtectionService;
import io.syncookied.controlplane.telemetry.SecretsStore;

/** {@code /api/v1/hosts}: list, inspect, protect and unprotect hosts. */
@RestController
@RequestMapping(path = "/api/v1/hosts", produces = MediaType.APPLICATION_JSON_VALUE)
public class HostsController {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Set<String> PROTECT_FIELDS = Set.of("reason", "ttl");

	private static final int MAX_REASON = 500;

	private final ProtectionService protection;

	private final DetectionService detection;

	private final SecretsStore secrets;

	public HostsController(ProtectionService protection, DetectionService detection, SecretsStore secrets) {
		this.protection = protection;
		this.detection = detection;
		this.secrets = secrets;
	}

	@GetMapping
	public List<HostDto> list() {
		return this.protection.hosts().stream().map(this::dto).toList();
	}

	@GetMapping("/{ip}")
	public HostDto one(@PathVariable String ip) {
		InetAddress address = IpLiterals.parse(ip, "ip");
		return this.protection.host(address).map(this::dto)
			.orElseThrow(() -> new HostNotConfiguredException(address.getHostAddress()));
	}

	/** Manual protection: {@code {"reason": "...", "ttl": "PT30M"}}; ttl is optional. */
	@PostMapping(path = "/{ip}/protection")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public Mono<HostDto> protect(@PathVariable String ip, @RequestBody(required = false) @Nullable String body) {
		InetAddress address = IpLiterals.parse(ip, "ip");
		JsonNode json = parseBody(body);
		String reason = reason(json);
		Duration ttl = ttl(json);
		return this.protection.protect(address, reason, ttl).map(this::dto);
	}

	@DeleteMapping("/{ip}/protection")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public Mono<HostDto> unprotect(@PathVariable String ip,
			@RequestParam(name = "reason", required = false) @Nullable String reason) {
		InetAddress address = IpLiterals.parse(ip, "ip");
		if (reason != null && reason.length() > MAX_REASON) {
			throw new InvalidRequestException("reason", "longer than " + MAX_REASON + " characters");
		}
		return this.protection.unprotect(address, (reason != null && !reason.isBlank()) ? reason : "operator request")
			.map(this::dto);
	}

	private static JsonNode parseBody(@Nullable String body) {
		if (body == null || body.isBlank()) {
			throw new InvalidRequestException("body", "a JSON object {\"reason\": \"...\", \"ttl\": \"PT30M\"} is required");
		}
		JsonNode json;
		try {
			json = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidRequestException("body", "not valid JSON: " + ex.getOriginalMessage());
		}
		if (json == null || !json.isObject()) {
			throw new InvalidRequestException("body", "must be a JSON object");
		}
		for (Iterator<String> names = json.propertyNames().iterator(); names.hasNext();) {
			String name = names.next();
			if (!PROTECT_FIELDS.contains(name)) {
				throw new InvalidRequestException(name, "unknown field (known: reason, ttl)");
			}
		}
		return json;
	}

	private static String reason(JsonNode json) {
		JsonNode reason = json.get("reason");
		if (reason == null || reason.isNull()) {
			throw new InvalidRequestException("reason", "is required");
		}
		if (!reason.isString()) {
			throw new InvalidRequestException("reason", "must be a string");
		}
		String text = reason.asString().trim();
		if (text.isEmpty()) {
			throw new InvalidRequestException("reason", "must not be blank");
		}
		if (text.length() > MAX_REASON) {
			throw new InvalidRequestException("reason", "longer than " + MAX_REASON + " characters");
		}
		return text;
	}

	private static @Nullable Duration ttl(JsonNode json) {
		JsonNode ttl = json.get("ttl");
		if (ttl == null || ttl.isNull()) {
			return null;
		}
		if (!ttl.isString()) {
			throw new InvalidRequestException("ttl", "must be an ISO-8601 duration string such as \"PT30M\"");
		}
		try {
			Duration parsed = DurationStyle.detectAndParse(ttl.asString().trim());
			if (parsed.isNegative() || parsed.isZero()) {
				throw new InvalidRequestException("ttl", "must be positive, got " + ttl.asString());
			}
			return parsed;
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException("ttl", "'" + ttl.asString() + "' is not a duration such as \"PT30M\"");
		}
	}

	private HostDto dto(HostView v) {
		InetAddress ip = v.ip();
		HostDto.Intent intent = (v.intent() != null)
				? new HostDto.Intent(v.intent().name().toLowerCase(Locale.ROOT),
						(v.intentReason() != null) ? v.intentReason() : "", v.expiresAt())
				: null;
		HostDto.Rates rates = this.detection.rates(ip)
			.map(r -> new HostDto.Rates(r.synRateEwma(), r.synRateWindowMean(), r.synRateWindowPeak(), r.rxPpsEwma(),
					r.score(), r.underAttack(), r.source(), r.at()))
			.orElse(null);
		Duration secretsAge = this.secrets.secretsAge(ip);
		Duration telemetryAge = this.secrets.telemetryAge(ip);
		HostDto.Agent agent = new HostDto.Agent((secretsAge != null) ? secretsAge.toMillis() : null,
				(telemetryAge != null) ? telemetryAge.toMillis() : null, this.secrets.fresh(ip).isPresent());
		String mode = v.configured() ? v.mode().name().toLowerCase(Locale.ROOT) : "unconfigured";
		return new HostDto(IpText.of(ip), mode, v.state().name(), v.since(), v.reason(), v.mitigationId(),
				v.diverted(), intent, v.pending(), rates, agent);
	}


}

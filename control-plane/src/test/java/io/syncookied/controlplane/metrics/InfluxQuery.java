package io.syncookied.controlplane.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** InfluxQL over the 1.x HTTP API, as Grafana's InfluxDB data source sends it. */
final class InfluxQuery {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private final String url;

	private final String db;

	InfluxQuery(String url, String db) {
		this.url = url;
		this.db = db;
	}

	/** The series of the first statement's result; fails on an InfluxQL error. */
	JsonNode series(String influxql) throws IOException, InterruptedException {
		String uri = this.url + "/query?db=" + URLEncoder.encode(this.db, StandardCharsets.UTF_8) + "&epoch=ms&q="
				+ URLEncoder.encode(influxql, StandardCharsets.UTF_8);
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		JsonNode body = JSON.readTree(response.body());
		JsonNode result = body.path("results").path(0);
		if (response.statusCode() != 200 || result.has("error") || body.has("error")) {
			throw new IOException("InfluxQL failed (" + response.statusCode() + "): " + influxql + " -> " + response.body());
		}
		return result.path("series");
	}

	/** Values of one column of every series ({@code SHOW TAG VALUES}: 1 holds the values). */
	List<String> column(String influxql, int column) throws IOException, InterruptedException {
		List<String> out = new ArrayList<>();
		for (JsonNode s : series(influxql)) {
			for (JsonNode row : s.path("values")) {
				out.add(row.path(column).asString());
			}
		}
		return out;
	}

	/** Values of column 0 of every series (names for SHOW queries). */
	List<String> firstColumn(String influxql) throws IOException, InterruptedException {
		List<String> out = new ArrayList<>();
		for (JsonNode s : series(influxql)) {
			for (JsonNode row : s.path("values")) {
				out.add(row.path(0).asString());
			}
		}
		return out;
	}

	/** Number of points that are neither null nor zero, over every series and numeric value column. */
	int nonZeroPoints(String influxql) throws IOException, InterruptedException {
		int n = 0;
		for (JsonNode s : series(influxql)) {
			for (JsonNode row : s.path("values")) {
				for (int i = 1; i < row.size(); i++) {
					if (row.path(i).isNumber() && row.path(i).asDouble() != 0) {
						n++;
					}
				}
			}
		}
		return n;
	}

	/** Number of non-null points over every series and value column. */
	int nonNullPoints(String influxql) throws IOException, InterruptedException {
		int n = 0;
		for (JsonNode s : series(influxql)) {
			for (JsonNode row : s.path("values")) {
				for (int i = 1; i < row.size(); i++) {
					if (!row.path(i).isNull()) {
						n++;
					}
				}
			}
		}
		return n;
	}

}

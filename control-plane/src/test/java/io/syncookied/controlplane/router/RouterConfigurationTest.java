package io.syncookied.controlplane.router;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.syncookied.controlplane.config.RoutersProperties;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.bgp.BgpTarget;

import static org.assertj.core.api.Assertions.assertThat;

/** Router targets as Spring binds them from the control plane's YAML, parsed by the vendors' registry. */
class RouterConfigurationTest {

	@Test
	void aListInsideATargetArrivesAsTheListItIs() {
		// what `communities: [no-export, "65000:666"]` in controlplane.yml becomes: Spring binds the nested list of a
		// Map<String, Object> as a map keyed "0", "1"
		Map<String, Object> yaml = new LinkedHashMap<>();
		yaml.put("syncookied.routers.targets[0].name", "border");
		yaml.put("syncookied.routers.targets[0].adapter", "bgp");
		yaml.put("syncookied.routers.targets[0].neighbor", "10.1.1.1");
		yaml.put("syncookied.routers.targets[0].communities[0]", "no-export");
		yaml.put("syncookied.routers.targets[0].communities[1]", "65000:666");
		RoutersProperties routers = new Binder(new MapConfigurationPropertySource(yaml))
			.bind("syncookied.routers", RoutersProperties.class)
			.get();
		Map<String, RouterTarget> targets = RouterConfiguration.targets(DiversionVendors.load(), routers);
		assertThat(((BgpTarget) targets.get("border")).communities().texts()).containsExactly("no-export", "65000:666");
	}

}

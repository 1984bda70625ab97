package io.syncookied.controlplane;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The control plane's layering rules, as {@code docs/architecture.md} ("Layers of the control plane") states them.
 * A rule broken here is a design question first: change the rule in the doc and here, or the code.
 */
class ArchitectureTest {

	private static final String ROOT = "io.syncookied.controlplane";

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(ROOT);
	}

	@Test
	void eachLayerUsesOnlyTheLayersBelowIt() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("edges").definedBy(ROOT + ".api..", ROOT + ".metrics..", ROOT + ".health..", ROOT + ".startup..",
					ROOT + ".hooks..")
			.layer("drivers").definedBy(ROOT + ".supervision..", ROOT + ".detection..")
			.layer("protection").definedBy(ROOT + ".protection", ROOT + ".cluster..")
			.layer("core").definedBy(ROOT + ".protection.core..")
			.layer("ports").definedBy(ROOT + ".dataplane..", ROOT + ".router..", ROOT + ".telemetry..")
			.layer("model").definedBy(ROOT + ".hosts..", ROOT + ".events..", ROOT + ".config..", ROOT + ".logging..")
			.whereLayer("edges").mayNotBeAccessedByAnyLayer()
			.whereLayer("drivers").mayOnlyBeAccessedByLayers("edges")
			.whereLayer("protection").mayOnlyBeAccessedByLayers("edges", "drivers")
			.whereLayer("core").mayOnlyBeAccessedByLayers("edges", "drivers", "protection")
			.whereLayer("ports").mayOnlyBeAccessedByLayers("edges", "drivers", "protection")
			.whereLayer("model").mayOnlyBeAccessedByLayers("edges", "drivers", "protection", "core", "ports")
			.check(classes);
	}

	@Test
	void theEdgesTheDriversAndThePortsDoNotKnowEachOther() {
		slices().matching(ROOT + ".(api|metrics|health|hooks)..").should().notDependOnEachOther().check(classes);
		slices().matching(ROOT + ".(supervision|detection)..").should().notDependOnEachOther().check(classes);
		slices().matching(ROOT + ".(dataplane|router|telemetry)..").should().notDependOnEachOther().check(classes);
	}

	@Test
	void configurationAndEventsDependOnNoOtherPart() {
		noClasses().that().resideInAnyPackage(ROOT + ".config..", ROOT + ".events..")
			.should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api..", ROOT + ".metrics..", ROOT + ".health..",
					ROOT + ".supervision..", ROOT + ".detection..", ROOT + ".protection..", ROOT + ".dataplane..",
					ROOT + ".router..", ROOT + ".telemetry..", ROOT + ".hosts..", ROOT + ".hooks..")
			.check(classes);
	}

	@Test
	void detectionNeverTalksToTheRouter() {
		noClasses().that().resideInAPackage(ROOT + ".detection..")
			.should().dependOnClassesThat().resideInAnyPackage(ROOT + ".router..", "io.syncookied.router..")
			.check(classes);
	}

	@Test
	void theProtectionCoreIsAPureFunction() {
		noClasses().that().resideInAPackage(ROOT + ".protection.core..")
			.should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "reactor..", "io.netty..",
					"io.micrometer..", "org.slf4j..", "java.io..", "java.nio.file..", "java.nio.channels..",
					"java.util.concurrent..", "java.net.http..")
			.orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
			.orShould().callMethod(System.class, "currentTimeMillis")
			.orShould().callMethod(System.class, "nanoTime")
			.orShould().callMethod(java.time.Instant.class, "now")
			.orShould().callMethod(java.util.UUID.class, "randomUUID")
			.because("the same events must give the same transition anywhere (a replay, a cluster leader)")
			.check(classes);
	}

}

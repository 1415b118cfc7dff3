package io.anomstack.modelstore.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package rules of docs/architecture.md: no cycles, and each package kept to the types it may know. */
class ArchitectureTest {

    private static final String BASE = "io.anomstack.modelstore";
    private static final String[] HTTP = {"jakarta.servlet..", "org.springframework.web..", "org.springframework.http.."};
    private static final List<String> PACKAGES = List.of(
            "web", "s3api", "security", "observability", "bucket", "policy", "storage", "s3", "catalog", "problem",
            "config", "pickle");
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(BASE);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(BASE + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void httpTypesStayInTheWebSecurityAndObservabilityPackages() {
        check(noClasses().that().resideInAnyPackage(packages("catalog", "problem", "storage", "s3", "bucket", "policy", "config",
                        "s3api"))
                .should().dependOnClassesThat().resideInAnyPackage(HTTP)
                .because("storage and the domain know nothing of HTTP: the web layer translates"));
    }

    @Test
    void theDomainAndTheErrorVocabularyDependOnNoLibraryOfTheService() {
        check(noClasses().that().resideInAnyPackage(packages("catalog", "problem"))
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "org.springframework..")
                .because("the domain is plain Java: any store or transport can implement and serve it"));
        check(noClasses().that().resideInAnyPackage(packages("catalog"))
                .should().dependOnClassesThat().resideInAnyPackage(packagesExcept("catalog", "problem")));
        check(noClasses().that().resideInAnyPackage(packages("problem"))
                .should().dependOnClassesThat().resideInAnyPackage(packagesExcept("problem")));
    }

    @Test
    void thePickleScannerIsPlainJava() {
        check(noClasses().that().resideInAnyPackage(packages("pickle"))
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "org.springframework..")
                .because("the scanner parses bytes: any upload path can feed it"));
        check(noClasses().that().resideInAnyPackage(packages("pickle"))
                .should().dependOnClassesThat().resideInAnyPackage(packagesExcept("pickle")));
        check(noClasses().that().resideInAnyPackage(packages("pickle"))
                .should().dependOnClassesThat().resideInAnyPackage(HTTP));
    }

    @Test
    void controllersAndSecurityNeverTouchS3() {
        check(noClasses().that().resideInAnyPackage(packages("web", "security"))
                .should().dependOnClassesThat(awsSdkTypes().and(DescribedPredicate.not(settingValues())))
                .because("controllers and security talk to the catalog, never to S3; a policy's storage class and "
                        + "encryption are the only S3 words they may show"));
    }

    @Test
    void securityKnowsNothingOfStorageOrMonitoring() {
        check(noClasses().that().resideInAnyPackage(packages("security"))
                .should().dependOnClassesThat().resideInAnyPackage(
                        packages("storage", "s3", "bucket", "policy", "observability", "web", "s3api")));
    }

    @Test
    void theS3ApiIsADoorIntoTheCatalogNotIntoS3() {
        check(noClasses().that().resideInAnyPackage(packages("s3api"))
                .should().dependOnClassesThat().resideInAnyPackage(packagesExcept("s3api", "catalog", "security", "config", "problem"))
                .because("the S3 API serves the same catalog as the REST API, under the same keys' roles"));
        check(noClasses().that().resideInAnyPackage(packages("s3api"))
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk.services.s3",
                        "software.amazon.awssdk.http.apache..", "software.amazon.awssdk.core.sync..")
                .because("it speaks S3 through S3Proxy, whose store interface uses the SDK's request and response types "
                        + "only: it never calls S3 itself"));
    }

    @Test
    void storageDoesNotKnowWhoCallsIt() {
        check(noClasses().that().resideInAnyPackage(packages("storage", "s3"))
                .should().dependOnClassesThat().resideInAnyPackage(
                        packages("web", "security", "observability", "policy", "bucket", "s3api")));
        check(noClasses().that().resideInAnyPackage(packages("s3"))
                .should().dependOnClassesThat().resideInAnyPackage(packages("storage"))
                .because("s3 is the client plumbing every S3 user shares"));
    }

    @Test
    void bucketManagementAndPolicyStayOutOfEachOther() {
        check(noClasses().that().resideInAnyPackage(packages("bucket"))
                .should().dependOnClassesThat().resideInAnyPackage(packages("policy", "web", "security", "observability")));
        check(noClasses().that().resideInAnyPackage(packages("policy"))
                .should().dependOnClassesThat().resideInAnyPackage(packages("bucket", "web", "security", "observability")));
    }

    @Test
    void onlyTheWebLayerDependsOnIt() {
        check(noClasses().that().resideOutsideOfPackage(BASE + ".web..")
                .should().dependOnClassesThat().resideInAPackage(BASE + ".web..")
                .because("the web layer is the outermost ring"));
    }

    private static DescribedPredicate<JavaClass> awsSdkTypes() {
        return resideInAnyPackage("software.amazon.awssdk..").as("AWS SDK types");
    }

    private static DescribedPredicate<JavaClass> settingValues() {
        return belongToAnyOf(StorageClass.class, ServerSideEncryption.class);
    }

    private static String[] packages(String... names) {
        String[] patterns = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            patterns[i] = BASE + "." + names[i] + "..";
        }
        return patterns;
    }

    private static String[] packagesExcept(String... allowed) {
        List<String> others = new ArrayList<>(PACKAGES);
        others.removeAll(List.of(allowed));
        return packages(others.toArray(String[]::new));
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}

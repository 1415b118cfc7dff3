package io.anomstack.modelstore.web;

import io.anomstack.modelstore.web.download.BatchBundles;
import io.anomstack.modelstore.web.upload.IdempotencyKeys;
import io.anomstack.modelstore.web.upload.MetadataParser;
import io.anomstack.modelstore.web.upload.ModelUploads;
import io.anomstack.modelstore.web.upload.UploadAdmission;
import io.anomstack.modelstore.web.download.ModelDownloads;
import io.anomstack.modelstore.web.problem.ProblemDetailsAdvice;
import io.anomstack.modelstore.web.upload.UploadDrain;
import io.anomstack.modelstore.web.upload.UploadRequestReader;
import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.UploadBudget;
import io.anomstack.modelstore.catalog.UploadMemory;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import io.anomstack.modelstore.config.ModelStoreProperties;
import io.anomstack.modelstore.policy.BatchPolicies;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The model controller with its request reading, downloads and problem handling, in front of a mocked catalog: the
 * controller's behaviour, without authentication (SecurityIT covers who may call what).
 */
@WebMvcTest(ModelController.class)
@AutoConfigureMockMvc(addFilters = false)
@EnableConfigurationProperties(ModelStoreProperties.class)
@Import({ModelControllerWebTest.SharedUploadBudget.class, ModelUploads.class, UploadAdmission.class, UploadRequestReader.class, IdempotencyKeys.class, UploadDrain.class, MetadataParser.class, ModelDownloads.class,
        BatchBundles.class, ProblemDetailsAdvice.class})
public abstract class ModelControllerWebTest {

    @Autowired
    protected MockMvc mvc;

    @MockitoBean
    protected ModelCatalog catalog;

    /** Holds nothing and has no budget: every upload is admitted (UploadAdmissionTest covers the accounting). */
    @MockitoBean
    protected UploadMemory uploadMemory;

    @MockitoBean
    protected BatchPolicies policies;

    @TestConfiguration(proxyBeanMethods = false)
    static class SharedUploadBudget {

        @Bean
        UploadBudget uploadBudget(UploadMemory uploadMemory) {
            return new UploadBudget(uploadMemory);
        }
    }
}

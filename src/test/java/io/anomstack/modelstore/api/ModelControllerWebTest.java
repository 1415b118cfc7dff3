package io.anomstack.modelstore.api;

import io.anomstack.modelstore.catalog.ModelCatalog;
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
@Import({UploadRequestReader.class, IdempotentUploads.class, InFlightUploads.class, MetadataParser.class, ModelDownloads.class,
        BatchBundles.class, ProblemDetailsAdvice.class})
abstract class ModelControllerWebTest {

    @Autowired
    protected MockMvc mvc;

    @MockitoBean
    protected ModelCatalog catalog;

    @MockitoBean
    protected BatchPolicies policies;
}

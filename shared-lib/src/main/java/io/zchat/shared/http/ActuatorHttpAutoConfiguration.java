package io.zchat.shared.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.IncludeExcludeEndpointFilter;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointFilter;
import org.springframework.boot.actuate.endpoint.OperationFilter;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.ParameterValueMapper;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver;
import org.springframework.boot.actuate.endpoint.web.EndpointMediaTypes;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpointDiscoverer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointWebExtension;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * Actuator's web endpoints without a servlet container: the beans Boot's web endpoint
 * configuration would make for Spring MVC (discovery with the web exposure settings, the health
 * web extension with its status codes and groups), served by {@link ActuatorHttpServer} on
 * {@code server.port}. Active in every role that is not a web application, which is all of them.
 */
@AutoConfiguration(after = {EndpointAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
        JacksonEndpointAutoConfiguration.class})
@ConditionalOnNotWebApplication
@ConditionalOnProperty(name = "chat.actuator-http.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WebEndpointProperties.class)
public class ActuatorHttpAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public WebEndpointDiscoverer webEndpointDiscoverer(ApplicationContext context, ParameterValueMapper parameters,
            ObjectProvider<OperationInvokerAdvisor> advisors, ObjectProvider<EndpointAccessResolver> access,
            WebEndpointProperties properties) {
        EndpointFilter<ExposableWebEndpoint> exposed = new IncludeExcludeEndpointFilter<>(ExposableWebEndpoint.class,
                properties.getExposure().getInclude(), properties.getExposure().getExclude(),
                EndpointExposure.WEB.getDefaultIncludes());
        List<OperationFilter<WebOperation>> operations = new ArrayList<>();
        access.ifAvailable(resolver -> operations.add(OperationFilter.byAccess(resolver)));
        return new WebEndpointDiscoverer(context, parameters, EndpointMediaTypes.DEFAULT, List.of(), List.of(),
                advisors.orderedStream().toList(), List.of(exposed), operations);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(HealthEndpoint.class)
    public HealthEndpointWebExtension healthEndpointWebExtension(HealthContributorRegistry contributors,
            ObjectProvider<ReactiveHealthContributorRegistry> reactive, HealthEndpointGroups groups,
            HealthEndpointProperties properties) {
        return new HealthEndpointWebExtension(contributors, reactive.getIfAvailable(), groups,
                properties.getLogging().getSlowIndicatorThreshold());
    }

    @Bean
    public ActuatorHttpServer actuatorHttpServer(WebEndpointDiscoverer discoverer, WebEndpointProperties properties,
            ObjectProvider<EndpointJsonMapper> endpointJson, @Value("${server.port:8080}") int port,
            @Value("${chat.actuator-http.request-timeout:10s}") Duration requestTimeout) {
        JsonMapper json = endpointJson.getIfAvailable(() -> () -> JsonMapper.builder().build()).get();
        String basePath = properties.getBasePath();
        Collection<ExposableWebEndpoint> endpoints = discoverer.getEndpoints();
        EndpointHttpHandler handler = new EndpointHttpHandler(basePath, new EndpointRoutes(endpoints),
                new EndpointLinksResolver(endpoints, basePath), json);
        return new ActuatorHttpServer(port, requestTimeout, basePath, handler);
    }
}

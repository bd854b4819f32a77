package dev.trellis.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rendered manifests read as Kubernetes API objects. Each document must bind to the API type of
 * its apiVersion and kind with no field that type lacks and no value of the wrong type, as the API
 * server would insist; custom resources of the operators the chart can use (KEDA, the Prometheus
 * Operator) are kept as trees for the tests to check.
 */
final class KubernetesManifests {

    private static final Map<String, Class<? extends HasMetadata>> API_TYPES = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/Deployment", Deployment.class,
            "rbac.authorization.k8s.io/v1/Role", Role.class,
            "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class);
    private static final Set<String> CUSTOM_RESOURCES = Set.of(
            "keda.sh/v1alpha1/ScaledObject",
            "monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PrometheusRule");
    /** RFC 1123 subdomain: what Kubernetes accepts as the name of these objects. */
    private static final Pattern OBJECT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /**
     * The fabric8 types keep unknown fields in an "additional properties" map; with that map and
     * every ignore-unknown annotation switched off, an unknown field is an error.
     */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(MapperConfig<?> config, Annotated annotated) {
                    return Boolean.FALSE;
                }

                @Override
                public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
                    return JsonIgnoreProperties.Value.empty();
                }
            })
            .build();

    private final List<HasMetadata> objects;
    private final List<JsonNode> customResources;

    private KubernetesManifests(List<HasMetadata> objects, List<JsonNode> customResources) {
        this.objects = objects;
        this.customResources = customResources;
    }

    /** Parses {@code helm template} output; fails on the first document that is no valid object. */
    static KubernetesManifests parse(String rendered) {
        List<HasMetadata> objects = new ArrayList<>();
        List<JsonNode> customResources = new ArrayList<>();
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (Object document : yaml.loadAll(rendered)) {
            if (document == null) {
                continue;
            }
            JsonNode tree = STRICT.valueToTree(document);
            String type = tree.path("apiVersion").asString("") + "/" + tree.path("kind").asString("");
            String name = tree.path("metadata").path("name").asString("");
            if (!OBJECT_NAME.matcher(name).matches() || name.length() > 253) {
                throw new AssertionError(type + " has an invalid name '" + name + "'");
            }
            if (CUSTOM_RESOURCES.contains(type)) {
                customResources.add(tree);
                continue;
            }
            Class<? extends HasMetadata> apiType = API_TYPES.get(type);
            if (apiType == null) {
                throw new AssertionError("unexpected kind " + type + " (" + name + ")");
            }
            try {
                objects.add(STRICT.treeToValue(tree, apiType));
            } catch (RuntimeException e) {
                throw new AssertionError(type + " " + name + " is not a valid " + apiType.getSimpleName() + ": " + e.getMessage(), e);
            }
        }
        return new KubernetesManifests(objects, customResources);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        return all(type).stream().filter(o -> Objects.equals(o.getMetadata().getName(), name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name + " among " + names(type)));
    }

    <T extends HasMetadata> List<String> names(Class<T> type) {
        return all(type).stream().map(o -> o.getMetadata().getName()).toList();
    }

    /** Custom resources of {@code kind} (ScaledObject, ServiceMonitor, PrometheusRule). */
    List<JsonNode> custom(String kind) {
        return customResources.stream().filter(r -> kind.equals(r.path("kind").asString())).toList();
    }
}

package io.llmxds.common;

/**
 * The contract of the data-path config the control plane serves the context service over ADS, as one more flavor of
 * the same compilation (docs/data-path-config.md): context stores as CDS Clusters, their passwords as SDS Secrets,
 * and the model → context policy table as one RDS RouteConfiguration. Both sides use these names and nothing else.
 */
public final class DataPathConfig {

  /** The node metadata value of {@code llm-xds.io/flavor} a context service sends. */
  public static final String FLAVOR = "context-service";
  public static final String FLAVOR_KEY = "llm-xds.io/flavor";
  /** The {@code node.cluster} a context service sends. */
  public static final String NODE_CLUSTER = "llm-xds-context";

  /** The one RouteConfiguration of the flavor: one route per ModelRoute with a context policy. */
  public static final String ROUTE_CONFIGURATION = "llm-xds/context";
  /** Its one virtual host. */
  public static final String VIRTUAL_HOST = "models";

  /** Clusters are named {@code context-store/<store>}; a route's {@code cluster} is the store its policy writes to. */
  public static final String STORE_CLUSTER_PREFIX = "context-store/";
  /** The SDS Secret (generic secret) holding a store's password: {@code context-store/<store>/password}. */
  public static final String PASSWORD_SECRET_SUFFIX = "/password";
  /** The built-in in-memory store (single-replica): a reserved store name, served as a Cluster without endpoints. */
  public static final String BUILT_IN_MEMORY_STORE = "memory";

  /** Cluster metadata namespace: what a store is beyond its addresses, TLS and connect timeout. */
  public static final String STORE_METADATA = "io.llmxds.context_store";
  /** {@code memory} | {@code redis} | {@code redis-cluster}. */
  public static final String STORE_TYPE = "type";
  /** Redis database number (number; {@code redis} only). */
  public static final String STORE_DATABASE = "database";
  /** Command timeout in milliseconds (number). */
  public static final String STORE_COMMAND_TIMEOUT_MS = "command_timeout_ms";
  /** Connections to keep (number). */
  public static final String STORE_POOL_SIZE = "pool_size";
  /** Redis ACL user name (string; absent: none). */
  public static final String STORE_USERNAME = "username";
  /** The name of the SDS Secret with the password (string; absent: no password). */
  public static final String STORE_PASSWORD_SECRET = "password_secret";

  /** Route metadata namespace: the context policy of the route's models. */
  public static final String POLICY_METADATA = "io.llmxds.context_policy";
  public static final String POLICY_NAME = "name";
  /** 16 hex digits of the policy's content hash. */
  public static final String POLICY_VERSION = "version";
  /** {@code v1} | {@code v2}. */
  public static final String POLICY_SCHEMA = "schema";
  /** {@code strict} | {@code v1_v2_migration}. */
  public static final String POLICY_MODE = "mode";
  public static final String POLICY_MAX_TURNS = "max_turns";
  public static final String POLICY_MAX_INJECTED_CHARS = "max_injected_chars";
  /** {@code open} | {@code closed}. */
  public static final String POLICY_FAILURE_MODE = "failure_mode";
  public static final String POLICY_SESSION_HEADER = "session_header";
  /** Absent: no user header. */
  public static final String POLICY_USER_HEADER = "user_header";
  /** With {@code v1_v2_migration}: the store name old records are read from (absent: the policy's own store). */
  public static final String POLICY_MIGRATE_FROM_STORE = "migrate_from_store";
  /** With {@code v1_v2_migration}: the schema of the old records ({@code v1}). */
  public static final String POLICY_MIGRATE_FROM_SCHEMA = "migrate_from_schema";

  /**
   * Route metadata namespace: what the client-facing phase must know of the route's providers. Absent when every
   * provider of the route speaks {@code openai}.
   */
  public static final String ROUTE_METADATA = "io.llmxds.model_route";
  /**
   * The APIs of the providers the route may send a request to, backends and fallbacks (list of {@code openai} |
   * {@code anthropic}): a request one of them cannot be given is refused before any try (docs/llm-apis.md).
   */
  public static final String ROUTE_PROVIDER_APIS = "provider_apis";

  /** Virtual-host metadata namespace: what holds for every route of the table. */
  public static final String TABLE_METADATA = "io.llmxds";
  /** The config version the table was compiled from (string). */
  public static final String TABLE_CONFIG_VERSION = "config_version";
  /** The Gateway's request buffer limit: the largest body Envoy sends the service (number of bytes). */
  public static final String TABLE_MAX_BODY_BYTES = "max_body_bytes";

  /**
   * Virtual-host metadata namespace of the consumer table: one field per Consumer (its name) whose value is a struct
   * of the fields below. Absent: an anonymous gateway, where the service authenticates nobody and checks no access.
   */
  public static final String CONSUMERS_METADATA = "io.llmxds.consumers";
  /** The consumer's tier (string; {@link GatewayIdentity#DEFAULT_TIER} when its policy names none). */
  public static final String CONSUMER_TIER = "tier";
  /** The ModelRoutes it may call (list of strings); absent: every ModelRoute. */
  public static final String CONSUMER_MODEL_ROUTES = "model_routes";
  /** Attribution labels (struct of strings: team, org, …); absent: none. */
  public static final String CONSUMER_LABELS = "labels";
  /** The name of the SDS Secret with its key hashes (string). */
  public static final String CONSUMER_KEYS_SECRET = "keys_secret";
  /**
   * The SDS Secret (generic secret) of a consumer's API keys, {@code consumer/<name>/keys}: one salted hash per line,
   * {@code sha256$<salt hex>$<hex of SHA-256(salt bytes ‖ key as UTF-8)>}. No key itself ever leaves the control
   * plane.
   */
  public static final String CONSUMER_SECRET_PREFIX = "consumer/";
  public static final String KEYS_SECRET_SUFFIX = "/keys";
  /** The prefix of a stored key hash. */
  public static final String KEY_HASH_SCHEME = "sha256$";

  /** The request header the routes match the model on (the same name the edge routes use). */
  public static final String MODEL_HEADER = "x-llm-model";

  private DataPathConfig() {}

  public static String storeCluster(String store) {
    return STORE_CLUSTER_PREFIX + store;
  }

  public static String keysSecret(String consumer) {
    return CONSUMER_SECRET_PREFIX + consumer + KEYS_SECRET_SUFFIX;
  }

  public static String passwordSecret(String store) {
    return STORE_CLUSTER_PREFIX + store + PASSWORD_SECRET_SUFFIX;
  }
}

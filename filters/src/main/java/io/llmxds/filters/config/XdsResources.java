package io.llmxds.filters.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.llmxds.common.DataPathConfig;
import java.time.Duration;

/** Reading the resources of a response: unpacking, and the names the data-path contract gives them. */
final class XdsResources {

  private XdsResources() {}

  static <T extends Message> T unpack(Any any, Class<T> type) throws ConfigException {
    if (!any.is(type)) {
      throw new ConfigException("expected " + type.getSimpleName() + " resources, got " + any.getTypeUrl());
    }
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException("malformed " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  /** The store a cluster name ({@code context-store/<store>}) stands for. */
  static String storeName(String cluster, String resource) throws ConfigException {
    if (!cluster.startsWith(DataPathConfig.STORE_CLUSTER_PREFIX)
        || cluster.length() == DataPathConfig.STORE_CLUSTER_PREFIX.length()) {
      throw new ConfigException(resource + ": a context store's cluster is named "
          + DataPathConfig.STORE_CLUSTER_PREFIX + "<store>");
    }
    return cluster.substring(DataPathConfig.STORE_CLUSTER_PREFIX.length());
  }

  static Duration duration(com.google.protobuf.Duration duration) {
    return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }
}

package io.llmxds.cp.reload;

/** What started a reload; recorded with every reload attempt. */
public enum ReloadTrigger {
  STARTUP("startup"),
  FILE_WATCH("file-watch"),
  ETCD_WATCH("etcd-watch"),
  ADMIN_API("admin-api");

  private final String wire;

  ReloadTrigger(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}

package io.llmxds.cp.reload;

/** What started a reload; recorded with every reload attempt. */
public enum ReloadTrigger {
  STARTUP("startup"),
  FILE_WATCH("file-watch"),
  ETCD_WATCH("etcd-watch"),
  ADMIN_API("admin-api"),
  /** An operator's rollback to a kept version ({@code llm-xds rollback}, the admin API). */
  ROLLBACK("rollback"),
  /** The guarded reload's own rollback, after the new version breached its guard. */
  GUARD("guard");

  private final String wire;

  ReloadTrigger(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Whether it republished a kept version rather than reading the source. */
  public boolean rollsBack() {
    return this == ROLLBACK || this == GUARD;
  }
}

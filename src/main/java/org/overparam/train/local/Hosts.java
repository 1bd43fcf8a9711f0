package org.overparam.train.local;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This JVM's host name, for provenance. */
public final class Hosts {
  private Hosts() {}

  public static String name() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}

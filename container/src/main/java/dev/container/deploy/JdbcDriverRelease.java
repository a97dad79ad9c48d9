package dev.container.deploy;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;

/**
 * Deregisters the JDBC drivers an app's class loader loaded: a driver registers itself with the
 * JDK's DriverManager when its class initialises, and DriverManager would then hold the app's
 * class loader, and every class of the app, after it stopped (Tomcat's JdbcLeakPrevention does
 * the same). DriverManager lets code see and deregister only drivers its own class loader can
 * load, so {@link WebAppClassLoader#defineCopy} defines this class in the app's loader, and the
 * container calls {@link #deregister()} there when the app has stopped.
 */
public final class JdbcDriverRelease {
    private JdbcDriverRelease() {
    }

    /** Deregisters the drivers of this class's loader; returns how many. */
    public static int deregister() throws SQLException {
        ClassLoader app = JdbcDriverRelease.class.getClassLoader();
        int released = 0;
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == app) {
                DriverManager.deregisterDriver(driver);
                released++;
            }
        }
        return released;
    }
}

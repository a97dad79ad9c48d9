package samples.servlet;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Notes kept in a database: the DataSource the container gives the app at
 * java:comp/env/jdbc/notes, as Tomcat's context.xml Resource would (conf/container.conf configures
 * it: H2 in memory, whose driver this WAR ships in WEB-INF/lib, pooled by the container). Looked up
 * rather than injected with @Resource, so that the app also runs where none is configured
 * ({@code container run --war servlet.war}); the page then says so. POST text=... adds a note.
 */
@WebServlet("/notes")
public class NotesServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        DataSource notes;
        try {
            notes = (DataSource) new InitialContext().lookup("java:comp/env/jdbc/notes");
        } catch (NameNotFoundException e) {
            resp.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            resp.getWriter().println("no database: give this app resources { \"jdbc/notes\" { type = datasource,"
                    + " url = \"jdbc:h2:mem:notes\" } } in the config file (conf/container.conf does)");
            return;
        } catch (NamingException e) {
            throw new IOException(e);
        }
        try (Connection c = notes.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS notes (id INT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(200) NOT NULL)");
            String text = req.getParameter("text");
            if ("POST".equals(req.getMethod()) && text != null && !text.isBlank()) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO notes (text) VALUES (?)")) {
                    insert.setString(1, text.strip());
                    insert.executeUpdate();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT id, text FROM notes ORDER BY id")) {
                while (rs.next()) {
                    resp.getWriter().print(rs.getInt(1) + ". " + rs.getString(2) + "\n");
                }
            }
        } catch (SQLException e) {
            throw new IOException("the notes database: " + e.getMessage(), e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        doGet(req, resp);
    }
}

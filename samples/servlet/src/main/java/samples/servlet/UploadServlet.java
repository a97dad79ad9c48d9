package samples.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Multipart upload through @MultipartConfig: lists each part's name, file name and size. */
@WebServlet("/upload")
@MultipartConfig(maxFileSize = 1024 * 1024)
public class UploadServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        resp.setContentType("text/plain;charset=UTF-8");
        for (var part : req.getParts()) {
            resp.getWriter().printf("%s %s %d%n", part.getName(), part.getSubmittedFileName(), part.getSize());
        }
    }
}

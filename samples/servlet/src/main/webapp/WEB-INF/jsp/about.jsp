<%@ page contentType="text/html; charset=UTF-8" %>
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>about</title></head>
<body>
<p id="about">This page is /WEB-INF/jsp/about.jsp, served at ${pageContext.request.servletPath} by a jsp-file servlet of web.xml.</p>
</body>
</html>

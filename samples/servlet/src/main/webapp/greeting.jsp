<%@ page contentType="text/html; charset=UTF-8" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<%@ taglib prefix="fn" uri="jakarta.tags.functions" %>
<%@ taglib prefix="sample" tagdir="/WEB-INF/tags" %>
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>JSP in the servlet sample</title></head>
<body>
<h1>Hello, <c:out value="${empty param.name ? 'JSP' : param.name}"/>!</h1>
<p id="engine">A JSP page of ${initParam['site-name']} at ${pageContext.request.contextPath}; a scriptlet says <%= 6 * 7 %>.</p>
<sample:panel title="Frameworks beside this one">
  <ul>
    <c:forEach var="framework" items="${fn:split('jersey,spring-mvc,spring-boot', ',')}" varStatus="row">
      <li class="framework">${row.count}. ${framework}</li>
    </c:forEach>
  </ul>
</sample:panel>
<p><a href="about">about</a> is a &lt;jsp-file&gt; servlet.</p>
</body>
</html>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../gui/actions.py" line="76"/>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="77"/>
        <source>Add downloads (Ctrl+N)</source>
        <translation>添加下载 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="80"/>
        <source>&amp;Paste URLs</source>
        <translation>粘贴链接(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="81"/>
        <source>Queue every URL in the clipboard (Ctrl+V)</source>
        <translation>将剪贴板中的所有链接加入队列 (Ctrl+V)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="84"/>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="85"/>
        <source>Resume the selected downloads</source>
        <translation>继续选中的下载</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="88"/>
        <source>Pa&amp;use</source>
        <translation>暂停(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="89"/>
        <source>Pause the selected downloads</source>
        <translation>暂停选中的下载</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="92"/>
        <source>Re&amp;try</source>
        <translation>重试(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="93"/>
        <source>Retry the failed downloads</source>
        <translation>重试失败的下载</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="96"/>
        <source>Re&amp;move…</source>
        <translation>移除(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="97"/>
        <source>Remove the selected downloads (Del)</source>
        <translation>移除选中的下载 (Del)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="100"/>
        <source>Resume a&amp;ll</source>
        <translation>全部继续(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="101"/>
        <source>Resume every paused download</source>
        <translation>继续所有已暂停的下载</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="104"/>
        <source>Pause all</source>
        <translation>全部暂停</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="105"/>
        <source>Pause every unfinished download</source>
        <translation>暂停所有未完成的下载</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="108"/>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="109"/>
        <source>Open the downloaded file</source>
        <translation>打开下载的文件</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="112"/>
        <source>Open &amp;folder</source>
        <translation>打开文件夹(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="113"/>
        <source>Open the folder it is saved in</source>
        <translation>打开保存它的文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="116"/>
        <source>&amp;Copy URL</source>
        <translation>复制链接(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="117"/>
        <source>Copy the URLs</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="120"/>
        <source>Refresh &amp;link…</source>
        <translation>更新链接(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="121"/>
        <source>Give the download a new link (when the old one expired); it carries on from its bytes</source>
        <translation>为下载提供新链接（旧链接过期时）；下载从已有数据处继续</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="128"/>
        <source>Speed l&amp;imit…</source>
        <translation>限速(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="129"/>
        <source>Limit the speed of the selected downloads</source>
        <translation>限制选中下载的速度</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="132"/>
        <source>Copy &amp;path</source>
        <translation>复制路径(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="133"/>
        <source>Copy where the files are saved</source>
        <translation>复制文件的保存位置</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="136"/>
        <source>Down&amp;load again</source>
        <translation>重新下载(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="137"/>
        <source>Download the selected links once more, under new names</source>
        <translation>以新名称再次下载所选链接</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="140"/>
        <source>P&amp;roperties</source>
        <translation>属性(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="141"/>
        <source>Show the details of the selected download</source>
        <translation>显示所选下载的详细信息</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="144"/>
        <source>Remove &amp;completed</source>
        <translation>移除已完成(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="145"/>
        <source>Remove every completed download from the list (the files stay)</source>
        <translation>从列表中移除所有已完成的下载（文件保留）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="149"/>
        <source>Move &amp;up</source>
        <translation>上移(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="150"/>
        <source>Move the selected downloads one place up in the queue (Ctrl+Up)</source>
        <translation>将所选下载在队列中上移一位（Ctrl+Up）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="154"/>
        <source>Move do&amp;wn</source>
        <translation>下移(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="155"/>
        <source>Move the selected downloads one place down in the queue (Ctrl+Down)</source>
        <translation>将所选下载在队列中下移一位（Ctrl+Down）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="159"/>
        <source>Move to &amp;top</source>
        <translation>移到顶部(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="160"/>
        <source>Start the selected downloads before every other waiting one (Ctrl+Home)</source>
        <translation>让所选下载先于其他所有等待中的下载开始（Ctrl+Home）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="164"/>
        <source>Move to &amp;bottom</source>
        <translation>移到底部(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="165"/>
        <source>Start the selected downloads after every other waiting one (Ctrl+End)</source>
        <translation>让所选下载在其他所有等待中的下载之后开始（Ctrl+End）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="169"/>
        <source>&amp;Start now</source>
        <translation>立即开始(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="170"/>
        <source>Start the selected downloads at once, even past the number of downloads at once</source>
        <translation>立即开始所选下载，即使超过同时下载数</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="174"/>
        <source>Re&amp;name…</source>
        <translation>重命名(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="175"/>
        <source>Give the download&apos;s file another name (F2)</source>
        <translation>给下载的文件换一个名称（F2）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="178"/>
        <source>&amp;Delete file…</source>
        <translation>删除文件(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="179"/>
        <source>Remove the selected downloads and delete their files from the disk (Shift+Del)</source>
        <translation>移除所选下载并从磁盘删除其文件（Shift+Del）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="183"/>
        <source>Pause or resume</source>
        <translation>暂停或继续</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="184"/>
        <source>Pause the selected downloads, or resume them (Space)</source>
        <translation>暂停所选下载，或继续它们（空格键）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="188"/>
        <source>Open or show details</source>
        <translation>打开或显示详细信息</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="189"/>
        <source>Open a completed file; show the details of any other download (Enter)</source>
        <translation>打开已完成的文件；其他下载则显示详细信息（回车键）</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="194"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="195"/>
        <source>Change Greenget&apos;s settings</source>
        <translation>更改 Greenget 的设置</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="198"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/actions.py" line="199"/>
        <source>Quit Greenget</source>
        <translation>退出 Greenget</translation>
    </message>
</context>
<context>
    <name>AddDialog</name>
    <message>
        <location filename="../../gui/add_dialog.py" line="74"/>
        <source>Add downloads</source>
        <translation>添加下载</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="80"/>
        <source>One URL per line, e.g. https://example.com/file.zip</source>
        <translation>每行一个链接，例如 https://example.com/file.zip</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="90"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="96"/>
        <source>Add &amp;paused (start them later)</source>
        <translation>添加为暂停状态（稍后开始）(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="97"/>
        <source>Open the files when &amp;done</source>
        <translation>下载完成后打开文件(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="99"/>
        <source>Each file opens in its application as soon as it has downloaded</source>
        <translation>每个文件下载完成后立即用对应的应用程序打开</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="102"/>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="105"/>
        <source>Parallel connections per download, for servers that allow it</source>
        <translation>每个下载的并行连接数（服务器支持时）</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="109"/>
        <source>Optional: sha256=… (checked when the download ends)</source>
        <translation>可选：sha256=…（下载结束时校验）</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="113"/>
        <source>&amp;Save to:</source>
        <translation>保存到(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="116"/>
        <source>C&amp;onnections:</source>
        <translation>连接数(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="117"/>
        <source>C&amp;hecksum:</source>
        <translation>校验和(&amp;H)：</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="125"/>
        <source>&amp;Import list…</source>
        <translation>导入列表(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="126"/>
        <source>Add the downloads of a list file: links, an aria2 input file or a list Greenget exported</source>
        <translation>添加列表文件中的下载：链接、aria2 输入文件或 Greenget 导出的列表</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="134"/>
        <source>&amp;URLs:</source>
        <translation>链接(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="200"/>
        <source>Import a list</source>
        <translation>导入列表</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="201"/>
        <source>Download lists (*.txt *.json *.aria2 *.lst);;All files (*)</source>
        <translation>下载列表 (*.txt *.json *.aria2 *.lst);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="208"/>
        <source>Save downloads to</source>
        <translation>下载保存位置</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="226"/>
        <source>line %1: “%2”</source>
        <translation>第 %1 行：“%2”</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="230"/>
        <source>%1 and %2 more</source>
        <translation>%1 等另外 %2 行</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/add_dialog.py" line="233"/>
        <source>%n line is not an http(s) URL and will be skipped: %1.</source>
        <translation>
            <numerusform>%n 行不是 http(s) 链接，将被跳过：%1。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/add_dialog.py" line="235"/>
        <source>%n lines are not an http(s) URL and will be skipped: %1.</source>
        <translation>
            <numerusform>%n 行不是 http(s) 链接，将被跳过：%1。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="239"/>
        <source>Line %1 is skipped: %2</source>
        <translation>第 %1 行已跳过：%2</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="243"/>
        <source>The checksum should look like sha256=&lt;hex digits&gt;.</source>
        <translation>校验和的格式应为 sha256=&lt;十六进制数字&gt;。</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="246"/>
        <source>The checksum will be checked against every one of these files.</source>
        <translation>每个文件都会用该校验和进行校验。</translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="249"/>
        <source>Choose a folder to save to.</source>
        <translation>请选择保存的文件夹。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/add_dialog.py" line="251"/>
        <source>%n URL to add.</source>
        <translation>
            <numerusform>将添加 %n 个链接。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/add_dialog.py" line="251"/>
        <source>%n URLs to add.</source>
        <translation>
            <numerusform>将添加 %n 个链接。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/add_dialog.py" line="253"/>
        <source>%n pattern(s) expanded:</source>
        <translation>
            <numerusform>已展开 %n 个批量模式：</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/add_dialog.py" line="257"/>
        <source>Add %n</source>
        <translation>
            <numerusform>添加 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/add_dialog.py" line="257"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
</context>
<context>
    <name>Announcer</name>
    <message>
        <location filename="../../gui/announcer.py" line="75"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../gui/announcer.py" line="77"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../gui/announcer.py" line="77"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../gui/banner.py" line="48"/>
        <location filename="../../gui/banner.py" line="49"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>Categories</name>
    <message>
        <location filename="../../gui/category_sidebar.py" line="25"/>
        <source>All downloads</source>
        <translation>全部下载</translation>
    </message>
    <message>
        <location filename="../../gui/category_sidebar.py" line="26"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../gui/category_sidebar.py" line="27"/>
        <source>Music</source>
        <translation>音乐</translation>
    </message>
    <message>
        <location filename="../../gui/category_sidebar.py" line="28"/>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <location filename="../../gui/category_sidebar.py" line="29"/>
        <source>Archives</source>
        <translation>压缩包</translation>
    </message>
    <message>
        <location filename="../../gui/category_sidebar.py" line="30"/>
        <source>Programs</source>
        <translation>程序</translation>
    </message>
    <message>
        <location filename="../../gui/category_sidebar.py" line="31"/>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <location filename="../../gui/category_sidebar.py" line="32"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
</context>
<context>
    <name>CategoriesTab</name>
    <message>
        <location filename="../../gui/category_settings.py" line="38"/>
        <source>&amp;Sort new downloads into a folder for their category</source>
        <translation>按类别把新下载放入各自的文件夹(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/category_settings.py" line="41"/>
        <source>Video, Music, Documents… under the download folder, decided when the server names the file</source>
        <translation>在下载文件夹下的视频、音乐、文档……文件夹中，在服务器给出文件名时决定</translation>
    </message>
    <message>
        <location filename="../../gui/category_settings.py" line="43"/>
        <source>In &amp;dated subfolders (for example Video/2026-12)</source>
        <translation>放入按月份命名的子文件夹(&amp;D)（例如 Video/2026-12）</translation>
    </message>
    <message>
        <location filename="../../gui/category_settings.py" line="53"/>
        <source>Extensions</source>
        <translation>扩展名</translation>
    </message>
    <message>
        <location filename="../../gui/category_settings.py" line="54"/>
        <source>MIME types</source>
        <translation>MIME 类型</translation>
    </message>
    <message>
        <location filename="../../gui/category_settings.py" line="69"/>
        <source>Other: every file that no list above takes.</source>
        <translation>其他：上面各列表都不包含的文件。</translation>
    </message>
    <message>
        <location filename="../../gui/category_settings.py" line="71"/>
        <source>&amp;Restore the default lists</source>
        <translation>恢复默认列表(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/category_settings.py" line="99"/>
        <source>%1: extensions are letters and digits separated by spaces, like mp4 mkv.</source>
        <translation>%1：扩展名由字母和数字组成，以空格分隔，例如 mp4 mkv。</translation>
    </message>
    <message>
        <location filename="../../gui/category_settings.py" line="105"/>
        <source>%1: MIME types look like video/mp4 or audio/*, separated by spaces.</source>
        <translation>%1：MIME 类型形如 video/mp4 或 audio/*，以空格分隔。</translation>
    </message>
</context>
<context>
    <name>CategoryPane</name>
    <message>
        <location filename="../../gui/category_pane.py" line="38"/>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gui/category_pane.py" line="46"/>
        <source>Move to &amp;category</source>
        <translation>移动到类别(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/category_pane.py" line="47"/>
        <source>Move the selected downloads, and their files, into a category&apos;s folder</source>
        <translation>把选中的下载及其文件移动到某个类别的文件夹</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/category_pane.py" line="74"/>
        <source>Moving %n download to %1…</source>
        <translation>
            <numerusform>正在把 %n 个下载移动到%1…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/category_pane.py" line="75"/>
        <source>Moving %n downloads to %1…</source>
        <translation>
            <numerusform>正在把 %n 个下载移动到%1…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CategorySidebar</name>
    <message>
        <location filename="../../gui/category_sidebar.py" line="67"/>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <location filename="../../gui/model.py" line="70"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/model.py" line="71"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../gui/model.py" line="72"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../gui/model.py" line="73"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../gui/model.py" line="74"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../gui/model.py" line="75"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/model.py" line="76"/>
        <source>Added</source>
        <translation>添加时间</translation>
    </message>
    <message>
        <location filename="../../gui/model.py" line="77"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../gui/model.py" line="344"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>DetailsPane</name>
    <message>
        <location filename="../../gui/details.py" line="99"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="100"/>
        <source>URL:</source>
        <translation>链接：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="101"/>
        <source>Redirected to:</source>
        <translation>重定向到：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="102"/>
        <source>Saved to:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="103"/>
        <source>Size:</source>
        <translation>大小：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="104"/>
        <source>ETag:</source>
        <translation>ETag：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="105"/>
        <source>Last modified:</source>
        <translation>最后修改：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="106"/>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="107"/>
        <source>Options:</source>
        <translation>选项：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="108"/>
        <source>History:</source>
        <translation>历史：</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="213"/>
        <source>speed limit: %1</source>
        <translation>限速：%1</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="235"/>
        <source>earlier</source>
        <translation>之前</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="305"/>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="306"/>
        <source>downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="307"/>
        <source>not yet</source>
        <translation>未下载</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="132"/>
        <source>Select a download to see its details.</source>
        <translation>选择一个下载以查看详细信息。</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="86"/>
        <source>State history</source>
        <translation>状态历史</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="196"/>
        <source>%1 (size unknown)</source>
        <translation>%1（大小未知）</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="199"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="209"/>
        <source>%1 connections</source>
        <translation>%1 个连接</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="211"/>
        <source>default connections</source>
        <translation>默认连接数</translation>
    </message>
    <message>
        <location filename="../../gui/details.py" line="276"/>
        <source>%1 pieces, %2 connections busy</source>
        <translation>%1 个分段，%2 个连接工作中</translation>
    </message>
</context>
<context>
    <name>EngineClient</name>
    <message>
        <location filename="../../gui/engine_client.py" line="233"/>
        <source>The download engine could not be started: %1</source>
        <translation>无法启动下载引擎：%1</translation>
    </message>
    <message>
        <location filename="../../gui/engine_client.py" line="239"/>
        <source>The download engine crashed</source>
        <translation>下载引擎崩溃了</translation>
    </message>
    <message>
        <location filename="../../gui/engine_client.py" line="241"/>
        <source>The download engine stopped (exit status %1)</source>
        <translation>下载引擎已停止（退出状态 %1）</translation>
    </message>
    <message>
        <location filename="../../gui/engine_client.py" line="284"/>
        <source>The download engine (protocol %1) and this window (protocol %2) come from different versions of Greenget. Install Greenget again so that both are the same version.</source>
        <translation>下载引擎（协议 %1）与本窗口（协议 %2）来自不同版本的 Greenget。请重新安装 Greenget，使两者版本一致。</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../gui/errors.py" line="20"/>
        <source>The file is not on the server (any more).</source>
        <translation>服务器上没有这个文件（或已被删除）。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="21"/>
        <source>The server refused access. The link may have expired: give it a new one.</source>
        <translation>服务器拒绝访问。链接可能已过期：请提供新链接。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="23"/>
        <source>The server asks for a login.</source>
        <translation>服务器要求登录。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="24"/>
        <source>The server refused the request.</source>
        <translation>服务器拒绝了请求。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="25"/>
        <source>The server has a problem (5xx, or too busy).</source>
        <translation>服务器出现问题（5xx 错误或过于繁忙）。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="26"/>
        <source>The server did not answer in time.</source>
        <translation>服务器未能及时响应。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="27"/>
        <source>The connection failed or was cut.</source>
        <translation>连接失败或被中断。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="28"/>
        <source>The server&apos;s name could not be found.</source>
        <translation>找不到服务器的域名。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="29"/>
        <source>The server redirects in a loop.</source>
        <translation>服务器陷入重定向循环。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="30"/>
        <source>The secure connection failed (the certificate is not trusted).</source>
        <translation>安全连接失败（证书不受信任）。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="32"/>
        <source>This is not a link Greenget can download.</source>
        <translation>这不是 Greenget 能下载的链接。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="33"/>
        <source>The server sent the wrong part of the file.</source>
        <translation>服务器发送了文件中错误的部分。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="34"/>
        <source>The server sent a web page instead of the file.</source>
        <translation>服务器发送了一个网页，而不是文件。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="35"/>
        <source>The server refused to send the rest.</source>
        <translation>服务器拒绝发送剩余部分。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="36"/>
        <source>The data stopped before the file was complete.</source>
        <translation>文件尚未完整，数据就中断了。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="37"/>
        <source>The file keeps changing on the server.</source>
        <translation>服务器上的文件不断变化。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="38"/>
        <source>The new link is for a different file; the bytes downloaded were kept.</source>
        <translation>新链接指向另一个文件；已下载的数据已保留。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="40"/>
        <source>The server sent another size than it announced.</source>
        <translation>服务器发送的大小与其声明的不符。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="41"/>
        <source>The file is larger than the limit set.</source>
        <translation>文件超过了设定的大小上限。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="42"/>
        <source>The file is damaged: its checksum is not the expected one.</source>
        <translation>文件已损坏：校验和与预期不符。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="44"/>
        <source>No checksum is published next to the file.</source>
        <translation>文件旁没有发布校验和。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="45"/>
        <source>The disk is full.</source>
        <translation>磁盘已满。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="46"/>
        <source>Greenget may not write in the folder.</source>
        <translation>Greenget 无权写入该文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="47"/>
        <source>The folder or the partial file was deleted; Retry starts again.</source>
        <translation>文件夹或未完成的文件已被删除；“重试”将重新开始下载。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="49"/>
        <source>The file could not be written.</source>
        <translation>无法写入文件。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="50"/>
        <source>No free file name is left in the folder.</source>
        <translation>文件夹中已没有可用的文件名。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="51"/>
        <source>Greenget hit an internal error.</source>
        <translation>Greenget 遇到内部错误。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="52"/>
        <source>The video playlist cannot be used.</source>
        <translation>无法使用该视频播放列表。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="53"/>
        <source>This is a live stream; only streams that end can be downloaded.</source>
        <translation>这是直播流；只能下载有结尾的流。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="55"/>
        <source>No video or audio was found on this page.</source>
        <translation>此页面上没有找到视频或音频。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="56"/>
        <source>The video and the audio are separate; joining them needs ffmpeg.</source>
        <translation>视频和音频是分开的；合并它们需要 ffmpeg。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="58"/>
        <source>The download engine could not read a request.</source>
        <translation>下载引擎无法读取一个请求。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="59"/>
        <source>The download engine does not know this request.</source>
        <translation>下载引擎不认识这个请求。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="61"/>
        <source>That download is no longer in the list.</source>
        <translation>该下载已不在列表中。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="62"/>
        <source>A setting is out of its range.</source>
        <translation>某项设置超出了允许范围。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="63"/>
        <source>The download folder cannot be used.</source>
        <translation>无法使用该下载文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="64"/>
        <source>The checksum is not valid.</source>
        <translation>校验和无效。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="65"/>
        <source>The proxy address is not valid.</source>
        <translation>代理地址无效。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="66"/>
        <source>That download is already complete.</source>
        <translation>该下载已经完成。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="67"/>
        <source>That cannot be a file name: no / \ : * ? &quot; &lt; &gt; | ~, not empty, no dot or space at either end.</source>
        <translation>这不能作为文件名：不能含 / \ : * ? &quot; &lt; &gt; | ~，不能为空，两端不能是点或空格。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="70"/>
        <source>A file of that name is already in the folder; nothing was overwritten.</source>
        <translation>文件夹中已有同名文件；没有覆盖任何文件。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="72"/>
        <source>The browser connection cannot listen on that port.</source>
        <translation>浏览器连接无法在该端口上监听。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="73"/>
        <source>There is no such category, or its lists cannot be used.</source>
        <translation>没有这个类别，或者它的列表无法使用。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="75"/>
        <source>The file could not be moved to that category; it stays where it was.</source>
        <translation>无法把文件移动到该类别，文件仍留在原处。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="77"/>
        <source>The schedule has a day or a time out of range.</source>
        <translation>计划中的某一天或某个时间超出了范围。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="78"/>
        <source>The computer could not be put to sleep or shut down (see the details).</source>
        <translation>无法让计算机睡眠或关机（见详细信息）。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="80"/>
        <source>Another Greenget is already running with the same download list.</source>
        <translation>另一个 Greenget 已在使用同一个下载列表运行。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="82"/>
        <source>Greenget cannot use its settings folder (see the details).</source>
        <translation>Greenget 无法使用其设置文件夹（详见详细信息）。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="84"/>
        <source>The download list could not be read. It was kept aside; Greenget starts with an empty list.</source>
        <translation>无法读取下载列表。它已被另行保存；Greenget 以空列表启动。</translation>
    </message>
    <message>
        <location filename="../../gui/errors.py" line="87"/>
        <source>The download list was written by a newer Greenget. It was kept aside; Greenget starts with an empty list.</source>
        <translation>下载列表由更新版本的 Greenget 写入。它已被另行保存；Greenget 以空列表启动。</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <location filename="../../gui/formatting.py" line="14"/>
        <source>Unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/formatting.py" line="66"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../gui/formatting.py" line="69"/>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <location filename="../../gui/formatting.py" line="73"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../../gui/formatting.py" line="76"/>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
</context>
<context>
    <name>ListFiles</name>
    <message>
        <location filename="../../gui/list_files.py" line="49"/>
        <source>aria2 input file, with folders and options (*.txt)</source>
        <translation>aria2 输入文件，含文件夹和选项 (*.txt)</translation>
    </message>
    <message>
        <location filename="../../gui/list_files.py" line="50"/>
        <source>JSON, with each download&apos;s state (*.json)</source>
        <translation>JSON，含每个下载的状态 (*.json)</translation>
    </message>
    <message>
        <location filename="../../gui/list_files.py" line="51"/>
        <source>Links only (*.txt)</source>
        <translation>仅链接 (*.txt)</translation>
    </message>
    <message>
        <location filename="../../gui/list_files.py" line="54"/>
        <location filename="../../gui/list_files.py" line="61"/>
        <source>Export the list</source>
        <translation>导出列表</translation>
    </message>
    <message>
        <location filename="../../gui/list_files.py" line="62"/>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../../gui/list_files.py" line="84"/>
        <location filename="../../gui/list_files.py" line="91"/>
        <source>Import a list</source>
        <translation>导入列表</translation>
    </message>
    <message>
        <location filename="../../gui/list_files.py" line="85"/>
        <source>Could not import %1: %2</source>
        <translation>无法导入 %1：%2</translation>
    </message>
    <message>
        <location filename="../../gui/list_files.py" line="92"/>
        <source>Download lists (*.txt *.json *.aria2 *.lst);;All files (*)</source>
        <translation>下载列表 (*.txt *.json *.aria2 *.lst);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui/main_window.py" line="85"/>
        <source>No downloads yet.

Paste links with Ctrl+V, drop them here, or click Add.</source>
        <translation>还没有下载。

按 Ctrl+V 粘贴链接、把链接拖到这里，或点击“添加”。</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="88"/>
        <source>No downloads match the filter.</source>
        <translation>没有符合筛选条件的下载。</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="136"/>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="192"/>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="208"/>
        <source>Filter by name or URL  (Ctrl+F)</source>
        <translation>按名称或链接筛选  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="209"/>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="215"/>
        <source>Show downloads in this state</source>
        <translation>显示处于此状态的下载</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="216"/>
        <source>State filter</source>
        <translation>状态筛选</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="257"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="260"/>
        <source>&amp;Import list…</source>
        <translation>导入列表(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="262"/>
        <source>&amp;Export list…</source>
        <translation>导出列表(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="263"/>
        <source>Export the selected downloads, or all of them</source>
        <translation>导出所选下载，未选择时导出全部</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="269"/>
        <source>&amp;Downloads</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="283"/>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="285"/>
        <source>&amp;Details</source>
        <translation>详细信息(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="287"/>
        <source>Show or hide the details of the selected download</source>
        <translation>显示或隐藏选中下载的详细信息</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="290"/>
        <source>&amp;Categories</source>
        <translation>类别(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="292"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="293"/>
        <source>&amp;About Greenget</source>
        <translation>关于 Greenget(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="424"/>
        <source>Downloads carry on here. Quit from this icon&apos;s menu.</source>
        <translation>下载会在这里继续。要退出，请使用此图标的菜单。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="471"/>
        <source>%Ln active</source>
        <translation>
            <numerusform>%Ln 个进行中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="472"/>
        <source>%Ln queued</source>
        <translation>
            <numerusform>%Ln 个排队中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="476"/>
        <source>%Ln scheduled</source>
        <translation>
            <numerusform>%Ln 个定时等待</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="478"/>
        <source>%Ln paused</source>
        <translation>
            <numerusform>%Ln 个已暂停</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="480"/>
        <source>%Ln failed</source>
        <translation>
            <numerusform>%Ln 个失败</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="481"/>
        <source>%Ln completed</source>
        <translation>
            <numerusform>%Ln 个已完成</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="514"/>
        <source>Adding %n download…</source>
        <translation>
            <numerusform>正在添加 %n 个下载…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="516"/>
        <source>Adding %n downloads…</source>
        <translation>
            <numerusform>正在添加 %n 个下载…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="555"/>
        <source>There are no http(s) links in the clipboard.</source>
        <translation>剪贴板中没有 http(s) 链接。</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="636"/>
        <source>Only http(s) links can be downloaded.</source>
        <translation>只能下载 http(s) 链接。</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="693"/>
        <source>About Greenget</source>
        <translation>关于 Greenget</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="695"/>
        <source>A download manager that resumes after any crash.</source>
        <translation>一款在任何崩溃后都能继续下载的下载管理器。</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="697"/>
        <source>Protocol %1.</source>
        <translation>协议版本 %1。</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="747"/>
        <source>Download the copied link %1?</source>
        <translation>下载复制的链接 %1？</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/main_window.py" line="749"/>
        <source>Download the %n copied links?</source>
        <translation>
            <numerusform>下载复制的 %n 个链接？</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="752"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../gui/main_window.py" line="777"/>
        <source>%1 requests could not be carried out. The last: %2</source>
        <translation>有 %1 个请求无法执行。最后一个：%2</translation>
    </message>
</context>
<context>
    <name>MediaChooser</name>
    <message>
        <location filename="../../gui/media_chooser.py" line="50"/>
        <source>Quality</source>
        <translation>画质</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="50"/>
        <source>Contents</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="51"/>
        <source>Codecs</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="51"/>
        <source>Bitrate</source>
        <translation>码率</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="51"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="52"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="57"/>
        <source>&amp;Audio track:</source>
        <translation>音轨(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="83"/>
        <source>Looking for videos on this page…</source>
        <translation>正在查找此页面上的视频…</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="102"/>
        <source>“%1”: choose the quality to download.</source>
        <translation>“%1”：请选择要下载的画质。</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="104"/>
        <source>Choose the quality to download.</source>
        <translation>请选择要下载的画质。</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="160"/>
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="164"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="166"/>
        <source>Audio only</source>
        <translation>仅音频</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="168"/>
        <source>Video only</source>
        <translation>仅视频</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="170"/>
        <source>Video and audio</source>
        <translation>视频和音频</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="172"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="175"/>
        <source>%1 kbit/s</source>
        <translation>%1 kbit/s</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="179"/>
        <source>about %1</source>
        <translation>约 %1</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="180"/>
        <source>Stream (HLS)</source>
        <translation>流 (HLS)</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="181"/>
        <source>File (.%1)</source>
        <translation>文件 (.%1)</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="181"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="186"/>
        <source>Audio: %1</source>
        <translation>音频：%1</translation>
    </message>
    <message>
        <location filename="../../gui/media_chooser.py" line="187"/>
        <source>Audio (%1)</source>
        <translation>音频 (%1)</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <location filename="../../gui/notifications.py" line="45"/>
        <source>Download failed</source>
        <translation>下载失败</translation>
    </message>
    <message>
        <location filename="../../gui/notifications.py" line="47"/>
        <source>Download complete</source>
        <translation>下载完成</translation>
    </message>
    <message>
        <location filename="../../gui/notifications.py" line="56"/>
        <source>%n completed</source>
        <translation>%n 个已完成</translation>
    </message>
    <message>
        <location filename="../../gui/notifications.py" line="58"/>
        <source>%n failed</source>
        <translation>%n 个失败</translation>
    </message>
    <message>
        <location filename="../../gui/notifications.py" line="59"/>
        <source>%n downloads finished</source>
        <translation>%n 个下载已结束</translation>
    </message>
</context>
<context>
    <name>PairingRows</name>
    <message>
        <location filename="../../gui/browser_pairing.py" line="33"/>
        <source>Pa&amp;ir a browser</source>
        <translation>配对浏览器(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="34"/>
        <source>Opens a one-time pairing link in your default browser</source>
        <translation>在默认浏览器中打开一次性配对链接</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="37"/>
        <source>Pairing link</source>
        <translation>配对链接</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="38"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="39"/>
        <source>Copy the pairing link, to open it in another browser</source>
        <translation>复制配对链接，以便在其他浏览器中打开</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="49"/>
        <source>Greenget&apos;s extension:</source>
        <translation>Greenget 扩展：</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="54"/>
        <source>Pairing &amp;link:</source>
        <translation>配对链接(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="67"/>
        <source>Turn on the option above first: pairing needs it.</source>
        <translation>请先开启上面的选项：配对需要它。</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="70"/>
        <source>Add Greenget&apos;s extension to your browser (see the README), then click Pair: the link opens in your default browser and the extension pairs itself.</source>
        <translation>先把 Greenget 扩展添加到浏览器（见 README），再点击“配对”：链接会在默认浏览器中打开，扩展会自动完成配对。</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="85"/>
        <source>Opened in your browser. For another browser, copy the link into its address bar. It works once, within %1 minutes.</source>
        <translation>已在浏览器中打开。如需配对其他浏览器，请把链接复制到其地址栏。链接只能使用一次，%1 分钟内有效。</translation>
    </message>
    <message>
        <location filename="../../gui/browser_pairing.py" line="89"/>
        <source>No browser could be opened: copy the link into your browser&apos;s address bar. It works once, within %1 minutes.</source>
        <translation>无法打开浏览器：请把链接复制到浏览器地址栏。链接只能使用一次，%1 分钟内有效。</translation>
    </message>
</context>
<context>
    <name>Prompts</name>
    <message>
        <location filename="../../gui/prompts.py" line="32"/>
        <source>Already in the list</source>
        <translation>已在列表中</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="34"/>
        <source>This link is already in the list:
%1</source>
        <translation>此链接已在列表中：
%1</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="36"/>
        <source>%n of these links are already in the list.</source>
        <translation>其中 %n 个链接已在列表中。</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="38"/>
        <source>Resume continues the existing downloads (a failed one is tried again); Download again saves another copy under a new name.</source>
        <translation>“继续现有下载”会接着下载已有的任务（失败的会重试）；“重新下载”会以新名称再保存一份。</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="43"/>
        <source>&amp;Resume existing</source>
        <translation>继续现有下载(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="44"/>
        <source>Download &amp;again</source>
        <translation>重新下载(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="45"/>
        <source>&amp;Skip</source>
        <translation>跳过(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="63"/>
        <source>Remove downloads</source>
        <translation>移除下载</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="65"/>
        <source>Remove %n download from the list?</source>
        <translation>从列表中移除 %n 个下载？</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="67"/>
        <source>Remove %n downloads from the list?</source>
        <translation>从列表中移除 %n 个下载？</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="70"/>
        <source>The partly downloaded files of unfinished ones are deleted.</source>
        <translation>未完成下载的部分文件会被删除。</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="72"/>
        <source>Also delete the completed files</source>
        <translation>同时删除已完成的文件</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="76"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="86"/>
        <source>Quit Greenget</source>
        <translation>退出 Greenget</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="87"/>
        <source>%n downloads are running. Quit anyway?</source>
        <translation>有 %n 个下载正在进行。仍要退出吗？</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="88"/>
        <source>They stop now and carry on from where they were the next time Greenget starts.</source>
        <translation>它们现在会停止，下次启动 Greenget 时从停下的地方继续。</translation>
    </message>
    <message>
        <location filename="../../gui/prompts.py" line="91"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
</context>
<context>
    <name>QueueCommands</name>
    <message>
        <location filename="../../gui/queue_commands.py" line="131"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../gui/queue_commands.py" line="132"/>
        <source>New name for “%1”:</source>
        <translation>“%1”的新名称：</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/queue_commands.py" line="143"/>
        <source>Remove %n download from the list and delete its file from the disk?</source>
        <translation>
            <numerusform>从列表中移除 %n 个下载并从磁盘删除其文件？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/queue_commands.py" line="145"/>
        <source>Remove %n downloads from the list and delete their files from the disk?</source>
        <translation>
            <numerusform>从列表中移除 %n 个下载并从磁盘删除其文件？</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/queue_commands.py" line="148"/>
        <source>Delete files</source>
        <translation>删除文件</translation>
    </message>
</context>
<context>
    <name>RowCommands</name>
    <message>
        <location filename="../../gui/commands.py" line="189"/>
        <source>No application is set up to open %1.</source>
        <translation>没有可以打开 %1 的应用程序。</translation>
    </message>
    <message>
        <location filename="../../gui/commands.py" line="196"/>
        <source>No file manager is set up to show the folder %1.</source>
        <translation>没有可以显示文件夹 %1 的文件管理器。</translation>
    </message>
    <message>
        <location filename="../../gui/commands.py" line="223"/>
        <source>That is not an http(s) link.</source>
        <translation>这不是 http(s) 链接。</translation>
    </message>
    <message>
        <location filename="../../gui/commands.py" line="232"/>
        <source>Refresh link</source>
        <translation>更新链接</translation>
    </message>
    <message>
        <location filename="../../gui/commands.py" line="234"/>
        <source>A new link to the same file for “%1”:
(the download carries on from where it stopped)</source>
        <translation>为“%1”输入指向同一文件的新链接：
（下载将从中断处继续）</translation>
    </message>
    <message>
        <location filename="../../gui/commands.py" line="258"/>
        <source>Speed limit</source>
        <translation>限速</translation>
    </message>
    <message>
        <location filename="../../gui/commands.py" line="259"/>
        <source>Speed limit in kB/s (0: %1):</source>
        <translation>限速，单位 kB/s（0：%1）：</translation>
    </message>
</context>
<context>
    <name>SegmentMap</name>
    <message>
        <location filename="../../gui/segment_map.py" line="69"/>
        <source>Segment map</source>
        <translation>分段图</translation>
    </message>
    <message>
        <location filename="../../gui/segment_map.py" line="101"/>
        <source>%1 pieces, %2 being downloaded</source>
        <translation>%1 个分段，%2 个正在下载</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../gui/settings_dialog.py" line="54"/>
        <source> kB/s</source>
        <translation> kB/s</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="75"/>
        <source>Greenget settings</source>
        <translation>Greenget 设置</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="80"/>
        <source>Download folder</source>
        <translation>下载文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="82"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="93"/>
        <source>For servers that allow a file in several pieces</source>
        <translation>适用于允许分段下载的服务器</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="95"/>
        <source>All downloads together</source>
        <translation>所有下载合计</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="98"/>
        <source>Each new download starts with this limit (change it per download from the table&apos;s menu)</source>
        <translation>每个新下载都以此限速开始（可在列表的右键菜单中单独更改）</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="106"/>
        <source>Download &amp;folder:</source>
        <translation>下载文件夹(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="107"/>
        <source>Downloads at &amp;once:</source>
        <translation>同时下载数(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="108"/>
        <source>&amp;Connections per download:</source>
        <translation>每个下载的连接数(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="109"/>
        <source>Overall speed &amp;limit:</source>
        <translation>总限速(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="110"/>
        <source>Limit for each &amp;new download:</source>
        <translation>每个新下载的限速(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="113"/>
        <source>Closing the window keeps Greenget in the &amp;tray</source>
        <translation>关闭窗口时将 Greenget 保留在系统托盘(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="118"/>
        <source>This desktop has no system tray: closing the window quits</source>
        <translation>此桌面没有系统托盘：关闭窗口即退出</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="120"/>
        <source>&amp;Notify when a download completes or fails</source>
        <translation>下载完成或失败时通知(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="124"/>
        <source>&amp;Play a sound when a download completes</source>
        <translation>下载完成时播放声音(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="127"/>
        <source>Play a sound when a download &amp;fails</source>
        <translation>下载失败时播放声音(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="129"/>
        <source>&amp;Watch the clipboard for download links</source>
        <translation>监视剪贴板中的下载链接(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="131"/>
        <source>&amp;Queue copied links without asking</source>
        <translation>不经询问，直接将复制的链接加入队列(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="146"/>
        <source>&amp;Accept downloads from browser extensions</source>
        <translation>接受来自浏览器扩展的下载(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="155"/>
        <source>JSON-RPC address</source>
        <translation>JSON-RPC 地址</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="158"/>
        <source>JSON-RPC secret</source>
        <translation>JSON-RPC 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="159"/>
        <source>Made when the endpoint is first turned on</source>
        <translation>首次启用接口时生成</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="160"/>
        <source>Copy the address</source>
        <translation>复制地址</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="161"/>
        <source>Copy the secret</source>
        <translation>复制密钥</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="163"/>
        <source>None: extensions only</source>
        <translation>无：仅限扩展</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="166"/>
        <source>Web pages that may use Greenget, such as AriaNg served from http://localhost:6880, separated by spaces. Extensions are always allowed.</source>
        <translation>允许使用 Greenget 的网页，例如从 http://localhost:6880 提供的 AriaNg，以空格分隔。浏览器扩展始终允许。</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="178"/>
        <source>Greenget answers aria2&apos;s JSON-RPC on this computer, so browser extensions (Aria2 Explorer, Aria2 Integration) and web front ends such as AriaNg send their downloads here. Give them the address and the secret below.</source>
        <translation>Greenget 在本机提供 aria2 的 JSON-RPC 接口，浏览器扩展（Aria2 Explorer、Aria2 Integration）和 AriaNg 等网页前端可以把下载发送到这里。请把下面的地址和密钥填入它们的设置。</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="189"/>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="191"/>
        <source>A&amp;ddress:</source>
        <translation>地址(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="193"/>
        <source>&amp;Secret:</source>
        <translation>密钥(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="194"/>
        <source>Allowed &amp;web pages:</source>
        <translation>允许的网页(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="197"/>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="202"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="203"/>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="204"/>
        <source>Desktop</source>
        <translation>桌面</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="206"/>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="207"/>
        <source>Browser integration</source>
        <translation>浏览器集成</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="219"/>
        <source>Use the &amp;system&apos;s proxy settings</source>
        <translation>使用系统代理设置(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="221"/>
        <source>The http_proxy, https_proxy and no_proxy environment variables</source>
        <translation>环境变量 http_proxy、https_proxy 和 no_proxy</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="223"/>
        <source>&amp;No proxy: connect directly</source>
        <translation>不使用代理：直接连接(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="224"/>
        <source>&amp;Manual proxy:</source>
        <translation>手动设置代理(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="234"/>
        <source>Host name or IP address</source>
        <translation>主机名或 IP 地址</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="241"/>
        <location filename="../../gui/settings_dialog.py" line="244"/>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="255"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="257"/>
        <source>Ser&amp;ver:</source>
        <translation>服务器(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="258"/>
        <source>&amp;User:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="259"/>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="260"/>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="285"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="339"/>
        <source>Save downloads to</source>
        <translation>下载保存位置</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="408"/>
        <source>Not a web address, ignored: %1</source>
        <translation>不是网址，已忽略：%1</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="436"/>
        <source>Enter the proxy&apos;s host name or address</source>
        <translation>请输入代理的主机名或地址</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="447"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="447"/>
        <location filename="../../gui/settings_dialog.py" line="454"/>
        <source>Off</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../gui/settings_dialog.py" line="451"/>
        <source>Listening on 127.0.0.1, port %1</source>
        <translation>正在 127.0.0.1 的 %1 端口监听</translation>
    </message>
</context>
<context>
    <name>SoundChoice</name>
    <message>
        <location filename="../../gui/sound_settings.py" line="52"/>
        <source>Greenget&apos;s own sound</source>
        <translation>Greenget 自带的声音</translation>
    </message>
    <message>
        <location filename="../../gui/sound_settings.py" line="55"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../gui/sound_settings.py" line="57"/>
        <source>Play</source>
        <translation>试听</translation>
    </message>
    <message>
        <location filename="../../gui/sound_settings.py" line="58"/>
        <source>Hear this sound</source>
        <translation>试听这个声音</translation>
    </message>
    <message>
        <location filename="../../gui/sound_settings.py" line="96"/>
        <source>Choose a sound</source>
        <translation>选择声音</translation>
    </message>
    <message>
        <location filename="../../gui/sound_settings.py" line="97"/>
        <source>Sounds (%1)</source>
        <translation>声音文件 (%1)</translation>
    </message>
</context>
<context>
    <name>SpeedGraph</name>
    <message>
        <location filename="../../gui/speed_graph.py" line="100"/>
        <source>Speed graph</source>
        <translation>速度图</translation>
    </message>
    <message>
        <location filename="../../gui/speed_graph.py" line="157"/>
        <source>now %1 · top %2 · last %3 min</source>
        <translation>当前 %1 · 最高 %2 · 最近 %3 分钟</translation>
    </message>
</context>
<context>
    <name>States</name>
    <message>
        <location filename="../../gui/states.py" line="18"/>
        <location filename="../../gui/states.py" line="60"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../gui/states.py" line="19"/>
        <source>Scheduled</source>
        <translation>定时等待</translation>
    </message>
    <message>
        <location filename="../../gui/states.py" line="20"/>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location filename="../../gui/states.py" line="21"/>
        <source>Retrying</source>
        <translation>重试中</translation>
    </message>
    <message>
        <location filename="../../gui/states.py" line="22"/>
        <location filename="../../gui/states.py" line="61"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../gui/states.py" line="23"/>
        <location filename="../../gui/states.py" line="62"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../gui/states.py" line="24"/>
        <location filename="../../gui/states.py" line="63"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../gui/states.py" line="58"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../gui/states.py" line="59"/>
        <source>Active</source>
        <translation>进行中</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../gui/tray.py" line="40"/>
        <location filename="../../gui/tray.py" line="59"/>
        <source>&amp;Show Greenget</source>
        <translation>显示 Greenget(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/tray.py" line="59"/>
        <source>&amp;Hide Greenget</source>
        <translation>隐藏 Greenget(&amp;H)</translation>
    </message>
</context>
<context>
    <name>WorkerStatus</name>
    <message>
        <location filename="../../gui/worker_status.py" line="70"/>
        <source>Download engine: pid %1</source>
        <translation>下载引擎：进程号 %1</translation>
    </message>
    <message>
        <location filename="../../gui/worker_status.py" line="73"/>
        <source>The download engine is running again; downloads carry on.</source>
        <translation>下载引擎已重新运行，下载将继续。</translation>
    </message>
    <message>
        <location filename="../../gui/worker_status.py" line="78"/>
        <source>Engine restarting…</source>
        <translation>引擎正在重启…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/worker_status.py" line="82"/>
        <source>The download engine stopped unexpectedly. Restarting it in %n s; downloads will carry on from where they were.</source>
        <translation>
            <numerusform>下载引擎意外停止。将在 %n 秒后重启，下载会从中断处继续。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/worker_status.py" line="86"/>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <location filename="../../gui/worker_status.py" line="87"/>
        <source>%1.

Its last messages:
%2</source>
        <translation>%1。

它最后的消息：
%2</translation>
    </message>
    <message>
        <location filename="../../gui/worker_status.py" line="91"/>
        <source>Engine stopped</source>
        <translation>引擎已停止</translation>
    </message>
    <message>
        <location filename="../../gui/worker_status.py" line="93"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
</TS>

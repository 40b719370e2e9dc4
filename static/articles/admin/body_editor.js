// The story editor's own blocks: editors' notes (never shown to readers), pictures
// from the library and embeds of posts and videos. django-prose-editor's
// "configurable" preset loads this module and configures what it exports by name
// (BODY_EDITOR_EXTENSIONS in articles/sanitize.py); articles/body.py renders them.
import { crel, mergeAttributes, Node } from "django-prose-editor/editor"

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]")
  return field ? field.value : ""
}

// A message under the editor's text: what happened to the last insertion.
function say(editor, text, kind) {
  let output = editor.view.dom.nextElementSibling
  if (!output || !output.classList.contains("body-editor-message")) {
    output = crel("p", { className: "body-editor-message", role: "status" })
    editor.view.dom.after(output)
  }
  output.textContent = text
  output.classList.toggle("body-editor-message--error", kind === "error")
  output.hidden = !text
}

// A modal dialog in the editor's own style; resolves when it closes.
function modal(editor, title, children) {
  const dialog = crel("dialog", { className: "prose-editor-dialog body-editor-dialog" }, [
    crel("h3", { className: "prose-editor-dialog-title", textContent: title }),
    ...children,
  ])
  dialog.setAttribute("aria-label", title)
  editor.view.dom.parentElement.append(dialog)
  // Back to where the writer was: without it, the editor no longer follows clicks
  // into its text until something else focuses it.
  dialog.addEventListener("close", () => {
    dialog.remove()
    editor.commands.focus()
  })
  dialog.showModal()
  return dialog
}

export const EditorsNote = Node.create({
  name: "editorsNote",
  group: "block",
  content: "paragraph+",
  defining: true,

  parseHTML() {
    return [{ tag: "aside.editors-note" }]
  },

  renderHTML() {
    return ["aside", { class: "editors-note" }, 0]
  },

  addCommands() {
    return {
      toggleEditorsNote:
        () =>
        ({ commands, editor }) =>
          editor.isActive(this.name) ? commands.lift(this.name) : commands.wrapIn(this.name),
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "editorsNote",
      groups: "nodes",
      button: buttons.material("sticky_note_2", "Editor's note (readers never see it)"),
      command(editor) {
        editor.chain().focus().toggleEditorsNote().run()
      },
      active(editor) {
        return editor.isActive("editorsNote")
      },
      enabled(editor) {
        return editor.isActive("editorsNote") || editor.can().wrapIn("editorsNote")
      },
    })
  },
})

const pictures = new Map()

function pictureDetails(chooserUrl, id) {
  if (!pictures.has(id)) {
    const url = `${chooserUrl}?id=${encodeURIComponent(id)}`
    pictures.set(
      id,
      fetch(url, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => data.results.find((found) => String(found.id) === String(id)) || null)
        .catch(() => null),
    )
  }
  return pictures.get(id)
}

function pictureLabel(picture) {
  return [picture.alt, picture.credit].filter(Boolean).join(" · ")
}

function choosePicture(editor, chooserUrl) {
  const search = crel("input", { type: "search", id: "library-chooser-q", name: "q" })
  const results = crel("ul", { className: "library-chooser-results" })
  const status = crel("p", { className: "library-chooser-status", role: "status" })
  const cancel = crel("button", { type: "button", textContent: "Cancel" })
  const dialog = modal(editor, "Picture from the library", [
    crel("label", { htmlFor: "library-chooser-q", textContent: "Search the pictures" }),
    search,
    status,
    results,
    crel("div", { className: "prose-editor-dialog-buttons" }, [cancel]),
  ])
  cancel.addEventListener("click", () => dialog.close())

  let asked = 0
  const find = () => {
    const query = search.value.trim()
    const number = ++asked
    fetch(`${chooserUrl}?q=${encodeURIComponent(query)}`, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response)))
      .then((data) => {
        if (number !== asked) return
        results.textContent = ""
        status.textContent = data.results.length
          ? ""
          : "No picture matches. Upload it under Images first."
        for (const picture of data.results) {
          pictures.set(String(picture.id), Promise.resolve(picture))
          const button = crel("button", { type: "button", className: "library-chooser-pick" }, [
            picture.thumbnail
              ? crel("img", { src: picture.thumbnail, alt: "", width: 96 })
              : crel("span", { className: "library-chooser-pending", textContent: "Being prepared…" }),
            crel("span", { textContent: pictureLabel(picture) }),
          ])
          button.addEventListener("click", () => {
            dialog.close()
            // With a paragraph after it, to go on writing.
            editor
              .chain()
              .focus()
              .insertContent([
                { type: "libraryImage", attrs: { imageId: String(picture.id) } },
                { type: "paragraph" },
              ])
              .run()
          })
          results.append(crel("li", {}, [button]))
        }
      })
      .catch(() => {
        if (number === asked) status.textContent = "The library could not be searched. Try again."
      })
  }
  let timer = null
  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(find, 250)
  })
  find()
  search.focus()
}

export const LibraryImage = Node.create({
  name: "libraryImage",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { chooserUrl: "" }
  },

  addAttributes() {
    return {
      imageId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image-id"),
        renderHTML: (attributes) => ({ "data-image-id": attributes.imageId }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-image-id]", priority: 60 }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes({ class: "library-image" }, HTMLAttributes)]
  },

  addNodeView() {
    return ({ node }) => {
      const label = crel("figcaption", { textContent: "Picture from the library…" })
      const dom = crel("figure", { className: "library-image" }, [label])
      dom.contentEditable = "false"
      pictureDetails(this.options.chooserUrl, String(node.attrs.imageId)).then((picture) => {
        if (!picture) {
          label.textContent = "This picture is no longer in the library: readers will not see it."
          dom.classList.add("library-image--missing")
          return
        }
        if (picture.thumbnail) {
          dom.prepend(crel("img", { src: picture.thumbnail, alt: picture.alt, width: 160 }))
        }
        label.textContent = pictureLabel(picture)
      })
      // What this view draws is not the document: ProseMirror must not read it back,
      // though it must still follow the selection.
      return { dom, ignoreMutation: (mutation) => mutation.type !== "selection" }
    }
  },

  addCommands() {
    return {
      chooseLibraryImage:
        () =>
        ({ editor }) => {
          choosePicture(editor, this.options.chooserUrl)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      button: buttons.material("photo_library", "Picture from the library"),
      command(editor) {
        editor.commands.chooseLibraryImage()
      },
      active(editor) {
        return editor.isActive("libraryImage")
      },
    })
  },
})

function askForEmbed(editor, embedUrl) {
  const input = crel("input", { type: "url", id: "embed-url", name: "url", required: true, size: 50 })
  const submit = crel("button", { type: "submit", textContent: "Embed" })
  const cancel = crel("button", { type: "button", textContent: "Cancel" })
  const form = crel("form", {}, [
    crel("label", {
      htmlFor: "embed-url",
      textContent: "Address of a post or video on X, Bluesky, Instagram, YouTube or Vimeo",
    }),
    input,
    crel("div", { className: "prose-editor-dialog-buttons" }, [submit, cancel]),
  ])
  const dialog = modal(editor, "Embed a post or video", [form])
  cancel.addEventListener("click", () => dialog.close())
  input.focus()
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    const body = new URLSearchParams({ url: input.value })
    dialog.close()
    say(editor, "Fetching the embed…")
    fetch(embedUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      body,
    })
      .then((response) =>
        response.json().then(
          (data) => ({ ok: response.ok, data }),
          () => ({ ok: false, data: {} }),
        ),
      )
      .then(({ ok, data }) => {
        if (!ok || !data.attrs) {
          say(editor, data.error || "The embed could not be made. Try again.", "error")
          return
        }
        editor
          .chain()
          .focus()
          .insertContent([{ type: "embed", attrs: data.attrs }, { type: "paragraph" }])
          .run()
        say(editor, data.warning || `Embedded from ${data.attrs.providerName}.`)
      })
      .catch(() => say(editor, "The embed could not be made. Try again.", "error"))
  })
}

const PROVIDER_NAMES = {
  x: "X",
  bluesky: "Bluesky",
  instagram: "Instagram",
  youtube: "YouTube",
  vimeo: "Vimeo",
}

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { embedUrl: "" }
  },

  addAttributes() {
    return {
      provider: { default: "", renderHTML: () => ({}) },
      providerName: { default: "", renderHTML: () => ({}) },
      url: { default: "", renderHTML: () => ({}) },
      title: { default: "", renderHTML: () => ({}) },
      author: { default: "", renderHTML: () => ({}) },
      embedId: { default: "", renderHTML: () => ({}) },
    }
  },

  parseHTML() {
    return [
      {
        tag: "figure.embed",
        priority: 60,
        getAttrs: (element) => ({
          provider: element.getAttribute("data-embed-provider") || "",
          url: element.getAttribute("data-embed-url") || "",
          embedId: element.getAttribute("data-embed-id") || "",
          title: element.querySelector("a")?.textContent.trim() || "",
          author: element.querySelector("figcaption")?.textContent.trim() || "",
        }),
      },
    ]
  },

  renderHTML({ node }) {
    const { provider, url, title, author, embedId } = node.attrs
    const attrs = { class: "embed", "data-embed-provider": provider, "data-embed-url": url }
    if (embedId) attrs["data-embed-id"] = embedId
    const spec = ["figure", attrs, ["p", ["a", { href: url }, title || url]]]
    if (author) spec.push(["figcaption", author])
    return spec
  },

  addNodeView() {
    return ({ node }) => {
      const { provider, url, title, author } = node.attrs
      const name = PROVIDER_NAMES[provider] || node.attrs.providerName || provider
      const dom = crel("figure", { className: "embed" }, [
        crel("p", { className: "embed-provider", textContent: `Embed from ${name}` }),
        crel("p", { className: "embed-title", textContent: title || url }),
        crel("figcaption", {
          textContent: `${author ? `${author} · ` : ""}Readers see a link, and the ${name} content once they ask for it.`,
        }),
      ])
      dom.contentEditable = "false"
      return { dom, ignoreMutation: (mutation) => mutation.type !== "selection" }
    }
  },

  addCommands() {
    return {
      askForEmbed:
        () =>
        ({ editor }) => {
          askForEmbed(editor, this.options.embedUrl)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      button: buttons.material("smart_display", "Embed a post or video"),
      command(editor) {
        editor.commands.askForEmbed()
      },
      active(editor) {
        return editor.isActive("embed")
      },
    })
  },
})
